// An ES module user of easy-cache/otel from the installed tarball: instruments the library into
// the SDK's in-memory exporters, makes a miss and a hit, and prints one JSON report.
import { cached, MemoryCache } from 'easy-cache';
import * as otel from 'easy-cache/otel';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

class Reader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

async function main() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new Reader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const handle = otel.instrumentEasyCache({ tracerProvider, meterProvider });
  const square = cached(async (n) => n * n, { cacheKey: 'square:{n}', name: 'square', cacheInstance: new MemoryCache() });
  await square(3);
  await square(3);
  const { resourceMetrics } = await reader.collect();
  const calls = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === otel.METRIC_CALLS);
  handle.unsubscribe();
  console.log(JSON.stringify({
    exports: Object.keys(otel).sort(),
    spans: exporter.getFinishedSpans().map((span) => span.name),
    calls: calls.dataPoints.map((point) => `${point.attributes['easy_cache.outcome']}=${point.value}`).sort(),
    resolved: import.meta.resolve('easy-cache/otel'),
  }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
