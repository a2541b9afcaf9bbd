import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { BackendCallMessage, CallMessage } from '../index';
import { ATTR_BACKEND, ATTR_ERROR_TYPE, ATTR_FUNCTION, ATTR_OPERATION, ATTR_OUTCOME, errorTypeOf, METRIC_BACKEND_ERRORS, METRIC_CALL_DURATION, METRIC_CALLS } from './names';

// From a memory hit (microseconds) to a slow function (seconds); the SDK's default buckets start at 5 ms.
const DURATION_BUCKETS_MS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** The three instruments of SPEC 11.7. */
export class CallMetrics {
  readonly #calls: Counter;
  readonly #duration: Histogram;
  readonly #backendErrors: Counter;

  constructor(meter: Meter) {
    this.#calls = meter.createCounter(METRIC_CALLS, { description: 'Calls of cached functions, by function and outcome (hit, stale, miss, error).', unit: '{call}' });
    this.#duration = meter.createHistogram(METRIC_CALL_DURATION, {
      description: 'How long calls of cached functions took, as their callers saw it, by function and outcome.',
      unit: 'ms',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_MS },
    });
    this.#backendErrors = meter.createCounter(METRIC_BACKEND_ERRORS, {
      description: 'Backend calls that failed or did not answer within their bound, by backend and operation.',
      unit: '{error}',
    });
  }

  /** One call ended after `durationMs`. */
  call(message: CallMessage, durationMs: number): void {
    const attributes = this.#attributesOf(message.function, message.outcome ?? 'miss');
    this.#calls.add(1, attributes);
    this.#duration.record(durationMs, attributes);
  }

  // One attribute set per function and outcome, made once: a hit allocates none.
  readonly #attributes = new Map<string, Partial<Record<string, Attributes>>>();

  #attributesOf(label: string, outcome: string): Attributes {
    let byOutcome = this.#attributes.get(label);
    if (byOutcome === undefined) {
      byOutcome = {};
      this.#attributes.set(label, byOutcome);
    }
    return (byOutcome[outcome] ??= Object.freeze({ [ATTR_FUNCTION]: label, [ATTR_OUTCOME]: outcome }));
  }

  /** One backend call failed. */
  backendError(message: BackendCallMessage): void {
    this.#backendErrors.add(1, { [ATTR_BACKEND]: message.backend, [ATTR_OPERATION]: message.operation, [ATTR_ERROR_TYPE]: errorTypeOf(message.error, message.timedOut) });
  }
}
