/**
 * The OpenTelemetry SDK wired to in-memory exporters around one `instrumentEasyCache()`, and
 * readers for what it recorded: finished spans, their children, and the values of the metrics.
 */
import type { Attributes } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { instrumentEasyCache, type EasyCacheInstrumentation, type InstrumentEasyCacheOptions } from '../../lib/otel';

/** What one instrumentation recorded. */
export interface Telemetry {
  readonly tracerProvider: BasicTracerProvider;
  readonly instrumentation: EasyCacheInstrumentation;
  /** Every finished span so far. */
  spans(): ReadableSpan[];
  /** The finished call spans of the function labelled `label` (`cached(getBook)`). */
  callSpans(label: string): ReadableSpan[];
  /** The finished spans whose parent is `span`. */
  childrenOf(span: ReadableSpan): ReadableSpan[];
  /** The points of metric `name` now, as `attribute values joined by |` → value (a histogram's count). */
  metric(name: string): Promise<Record<string, number>>;
  /** Unsubscribes and shuts the providers down. */
  stop(): Promise<void>;
}

/** Instruments easy-cache into fresh in-memory exporters. */
export function instrumented(options: Omit<InstrumentEasyCacheOptions, 'tracerProvider' | 'meterProvider'> = {}): Telemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exported only when a test flushes: the interval is never reached.
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = instrumentEasyCache({ ...options, tracerProvider, meterProvider });
  const spans = (): ReadableSpan[] => spanExporter.getFinishedSpans();
  return {
    tracerProvider,
    instrumentation,
    spans,
    callSpans: (label) => spans().filter((span) => span.name === `easy_cache.call ${label}`),
    childrenOf: (parent) => spans().filter((span) => span.parentSpanId === parent.spanContext().spanId),
    async metric(name) {
      metricExporter.reset();
      await reader.forceFlush();
      const points: Record<string, number> = {};
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            if (metric.descriptor.name !== name) continue;
            for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
              points[labelOf(point.attributes)] = typeof point.value === 'number' ? point.value : point.value.count;
            }
          }
        }
      }
      return points;
    },
    async stop() {
      instrumentation.unsubscribe();
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

function labelOf(attributes: Attributes): string {
  return Object.values(attributes).map(String).join('|');
}

/** The span's attribute `name`. */
export function attributeOf(span: ReadableSpan, name: string): unknown {
  return span.attributes[name];
}
