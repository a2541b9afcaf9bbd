// OpenTelemetry for the book store: easy-cache/otel records the cache's metrics (calls by
// outcome, call durations, backend errors) into a MeterProvider read by the Prometheus exporter,
// served on /metrics; with `consoleSpans`, every miss and stale return is also printed as a trace.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentEasyCache } from '../../../lib/otel';

/** Where the metrics are served, and how to stop. */
export interface RunningTelemetry {
  /** `http://host:port/metrics`, in the Prometheus text format. */
  readonly metricsUrl: string;
  close(): Promise<void>;
}

/** Instruments easy-cache and serves its metrics on `host:port` (0: a free port). */
export async function startTelemetry(options: { port: number; host: string; consoleSpans: boolean }): Promise<RunningTelemetry> {
  // The exporter's own server cannot take port 0; its request handler is served here instead.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: options.consoleSpans ? [new SimpleSpanProcessor(new ConsoleSpanExporter())] : [] });
  const instrumentation = instrumentEasyCache({ meterProvider, tracerProvider });
  const server = createServer((request, response) => {
    if (request.url === '/metrics') exporter.getMetricsRequestHandler(request, response);
    else response.writeHead(404).end('the metrics are on /metrics\n');
  });
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  return {
    metricsUrl: `http://${options.host}:${port}/metrics`,
    async close() {
      instrumentation.unsubscribe();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}
