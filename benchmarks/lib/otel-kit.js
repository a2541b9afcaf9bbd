/**
 * easy-cache/otel for the benchmarks: the instrumentation on an OpenTelemetry SDK that creates,
 * records and ends every span and metric point as in production, but exports nothing (an export
 * runs in batches, off the call), so the figures are the cost a call pays in process.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, useDist } from './load-library.js';

const require = createRequire(join(ROOT, 'package.json'));

/** `easy-cache/otel` from `lib/` (ts-node is registered by the time scenarios run) or from `dist/`. */
function loadOtelEntry() {
  return useDist() ? require(join(ROOT, 'dist', 'otel', 'index.js')) : require(join(ROOT, 'lib', 'otel', 'index.ts'));
}

/** A span processor that drops every span once it has ended. */
const DROP_SPANS = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };

/**
 * `{ enter, leave }` for a contender: `enter` instruments easy-cache with `options` (e.g.
 * `{ hits: true }`) on a fresh SDK, `leave` unsubscribes, so only that contender's samples are
 * instrumented.
 */
export function otelInstrumentation(options = {}) {
  const { instrumentEasyCache } = loadOtelEntry();
  const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
  const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
  class HeldReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [DROP_SPANS] });
  const meterProvider = new MeterProvider({ readers: [new HeldReader()] });
  let handle;
  return {
    enter() {
      handle = instrumentEasyCache({ tracerProvider, meterProvider, ...options });
    },
    leave() {
      handle?.unsubscribe();
      handle = undefined;
    },
  };
}

/** `{ enter, leave }` that subscribes a no-op listener to `easy-cache:call` with `node:diagnostics_channel` alone. */
export function channelSubscriber() {
  const diagnostics = require('node:diagnostics_channel');
  const calls = diagnostics.tracingChannel('easy-cache:call');
  const handlers = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
  return {
    enter: () => calls.subscribe(handlers),
    leave: () => calls.unsubscribe(handlers),
  };
}

/** Lines under a table: what each instrumented contender adds to the uninstrumented one, in ns per call. */
export function addedCostLines(rows, what) {
  const plain = rows.find((row) => row.role === 'limit');
  if (!plain?.nsPerOp) return [];
  return rows
    .filter((row) => row.role === 'easy-cache' && row.nsPerOp)
    .map((row) => `- ${row.label}: ${Math.round(row.nsPerOp - plain.nsPerOp)} ns added per ${what} (${(row.nsPerOp / plain.nsPerOp).toFixed(2)}×)`);
}
