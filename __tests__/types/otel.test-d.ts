// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run. The types of the
// diagnostics-channel messages and of easy-cache/otel.
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { BACKEND_CHANNEL, CALL_CHANNEL, EVENT_CHANNEL, type BackendCallMessage, type CallMessage, type CallOutcome } from '../../lib';
import { instrumentEasyCache, type EasyCacheInstrumentation, type InstrumentEasyCacheOptions } from '../../lib/otel';
import { expectType, type Equal } from './type-assert';

declare const tracerProvider: TracerProvider;
declare const meterProvider: MeterProvider;
declare const call: CallMessage;
declare const backendCall: BackendCallMessage;

expectType<Equal<CallOutcome, 'hit' | 'stale' | 'miss' | 'error'>>(true);
expectType<Equal<CallMessage['outcome'], CallOutcome | undefined>>(true);
expectType<Equal<CallMessage['key'], string | undefined>>(true);
expectType<Equal<BackendCallMessage['timedOut'], boolean>>(true);
expectType<Equal<typeof CALL_CHANNEL, 'easy-cache:call'>>(true);
expectType<Equal<typeof EVENT_CHANNEL, 'easy-cache:event'>>(true);
expectType<Equal<typeof BACKEND_CHANNEL, 'easy-cache:backend'>>(true);
expectType<Equal<ReturnType<typeof instrumentEasyCache>, EasyCacheInstrumentation>>(true);
expectType<Equal<ReturnType<EasyCacheInstrumentation['unsubscribe']>, void>>(true);

instrumentEasyCache();
instrumentEasyCache({});
instrumentEasyCache({ tracerProvider, meterProvider, includeKeys: true, hits: false } satisfies InstrumentEasyCacheOptions);

// @ts-expect-error the function label is read-only
call.function = 'other';
// @ts-expect-error the backend name is read-only
backendCall.backend = 'other';
// @ts-expect-error an outcome is one of four
call.outcome = 'refresh';
// @ts-expect-error includeKeys is a boolean
instrumentEasyCache({ includeKeys: 1 });
// @ts-expect-error a tracer provider has getTracer
instrumentEasyCache({ tracerProvider: {} });
// @ts-expect-error an unknown option
instrumentEasyCache({ sampleRate: 0.1 });
