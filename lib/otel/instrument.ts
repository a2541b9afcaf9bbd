/**
 * `instrumentEasyCache()`: OpenTelemetry spans and metrics from easy-cache's diagnostics
 * channels. It knows the library only through its public API (the channel objects it publishes on).
 */
import { metrics, trace } from '@opentelemetry/api';
import { easyCacheChannels, type BackendCallMessage, type CallMessage } from '../index';
import { CallMetrics } from './call-metrics';
import { CallSpans } from './call-spans';
import { SCOPE } from './names';
import { resolveInstrumentation, type InstrumentEasyCacheOptions } from './options';

/** What `instrumentEasyCache` returns. */
export interface EasyCacheInstrumentation {
  /** Stops recording: unsubscribes from the channels and ends the spans of calls still running. Calling it twice is harmless. */
  unsubscribe(): void;
}

/**
 * Records spans and metrics for every call of every cached function in this process, until the
 * handle unsubscribes. Spans: a span per miss, stale return and failed call (hits too with
 * `hits: true`), with a child span per backend call it made; metrics `easy_cache.calls`,
 * `easy_cache.call.duration` (ms) and `easy_cache.backend.errors`. Keys are attributes only with
 * `includeKeys: true`.
 * @throws CacheConfigError for a bad option, naming it.
 * @example
 * const instrumentation = instrumentEasyCache({ meterProvider, tracerProvider });
 * // ... later, at shutdown
 * instrumentation.unsubscribe();
 */
export function instrumentEasyCache(options?: InstrumentEasyCacheOptions): EasyCacheInstrumentation {
  const settings = resolveInstrumentation(options);
  const tracer = (settings.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (settings.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const spans = new CallSpans({ tracer, includeKeys: settings.includeKeys, hits: settings.hits });
  const calls = new CallMetrics(meter);
  // The objects easy-cache publishes on, not lookups by name, which Node 20 can split (easyCacheChannels).
  const { call: callChannel, backend: backendChannel } = easyCacheChannels();

  // A subscriber that throws would be rethrown by Node as an uncaught exception: never let it.
  const onCallEnd = quietly((message: CallMessage) => {
    const durationMs = spans.callEnded(message);
    if (durationMs !== undefined) calls.call(message, durationMs);
  });
  const onBackendStart = quietly((message: BackendCallMessage) => spans.backendStarted(message));
  const onBackendEnd = quietly((message: BackendCallMessage) => spans.backendEnded(message));
  const onBackendError = quietly((message: BackendCallMessage) => calls.backendError(message));

  // The call's async context holds its state, so that its backend calls, nested cached calls and
  // its own end find it; runStores calls the transform at `start`. No subscription to
  // `easy-cache:event`: the call's outcome is on its message, and a hit then builds no event.
  callChannel.start.bindStore(spans.store, (message) => {
    try {
      return spans.callStarted(message as CallMessage);
    } catch {
      return undefined as never;
    }
  });
  callChannel.asyncEnd.subscribe(onCallEnd);
  backendChannel.start.subscribe(onBackendStart);
  backendChannel.asyncEnd.subscribe(onBackendEnd);
  backendChannel.error.subscribe(onBackendError);

  let subscribed = true;
  return {
    unsubscribe(): void {
      if (!subscribed) return;
      subscribed = false;
      callChannel.start.unbindStore(spans.store);
      callChannel.asyncEnd.unsubscribe(onCallEnd);
      backendChannel.start.unsubscribe(onBackendStart);
      backendChannel.asyncEnd.unsubscribe(onBackendEnd);
      backendChannel.error.unsubscribe(onBackendError);
      spans.close();
      // Releases the async hook that an AsyncLocalStorage keeps on while any is enabled (Node 20).
      spans.store.disable();
    },
  };
}

/** A channel listener (messages arrive as `unknown`) that never throws. */
function quietly<A>(handler: (message: A) => void): (message: unknown) => void {
  return (message) => {
    try {
      handler(message as A);
    } catch {
      // Telemetry must never break the calls it watches.
    }
  };
}
