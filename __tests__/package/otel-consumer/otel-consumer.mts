// A TypeScript user of easy-cache/otel, compiled (never run) by otel-entry.test.ts as an ES module
// (.mts), as CommonJS (a .cts copy) and under the node10 and bundler resolutions (.ts copies).
// The `@ts-expect-error` lines prove that the entry is typed: were it `any`, they would fail.
import { metrics, trace } from '@opentelemetry/api';
import { CALL_CHANNEL, type CallMessage } from 'easy-cache';
import { instrumentEasyCache, METRIC_CALLS, type EasyCacheInstrumentation, type InstrumentEasyCacheOptions } from 'easy-cache/otel';

const options: InstrumentEasyCacheOptions = { tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider(), includeKeys: false, hits: true };
const handle: EasyCacheInstrumentation = instrumentEasyCache(options);
handle.unsubscribe();
const name: string = METRIC_CALLS;
const channel: string = CALL_CHANNEL;
const outcome: CallMessage['outcome'] = 'stale';
// @ts-expect-error includeKeys is a boolean
instrumentEasyCache({ includeKeys: 'yes' });
// @ts-expect-error there is no option "sampleHits"
instrumentEasyCache({ sampleHits: true });
// @ts-expect-error unsubscribe returns nothing
const nothing: string = handle.unsubscribe();
void [name, channel, outcome, nothing];
