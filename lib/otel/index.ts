/**
 * `easy-cache/otel`: OpenTelemetry spans and metrics for easy-cache, from its
 * `node:diagnostics_channel` channels. Needs the optional peer `@opentelemetry/api`.
 *
 * @module easy-cache/otel
 */
export { instrumentEasyCache } from './instrument';
export { METRIC_CALLS, METRIC_CALL_DURATION, METRIC_BACKEND_ERRORS, ATTR_FUNCTION, ATTR_OUTCOME, ATTR_STALE_REASON, ATTR_KEY, ATTR_BACKEND, ATTR_OPERATION } from './names';

export type { EasyCacheInstrumentation } from './instrument';
export type { InstrumentEasyCacheOptions } from './options';
