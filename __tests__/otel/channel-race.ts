/**
 * Run with `--expose-gc` by otel-channel-race.test.ts. Reproduces Node 20's channel race
 * (nodejs/node#59910) around easy-cache's loading: channels of its names, made and dropped before
 * it loads (as a copy of the library loaded earlier in this process leaves them), are collected,
 * easy-cache makes channels of its own, and the dropped ones' finalizers then unregister those.
 * Then it instruments, makes one call, and prints one JSON line: whether a lookup by name now
 * finds another object (`split`), and the call spans recorded.
 */
import * as diagnostics from 'node:diagnostics_channel';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

type Lib = typeof import('../../lib');
type Otel = typeof import('../../lib/otel');

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  diagnostics.tracingChannel('easy-cache:call');
  diagnostics.tracingChannel('easy-cache:backend');
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  // Loaded in the turn of the collection, before the finalizers run: required, not imported.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../../lib') as Lib;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { instrumentEasyCache } = require('../../lib/otel') as Otel;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const split = diagnostics.tracingChannel('easy-cache:call').start !== lib.easyCacheChannels().call.start;

  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const instrumentation = instrumentEasyCache({ tracerProvider });
  const getBook = lib.cached(async (id: number) => ({ id }), { cacheKey: 'race:{id}', cacheInstance: new lib.MemoryCache() });
  await getBook(1);
  instrumentation.unsubscribe();
  const callSpans = exporter.getFinishedSpans().filter((span) => span.name.startsWith('easy_cache.call ')).map((span) => span.name);
  console.log(JSON.stringify({ split, callSpans }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
