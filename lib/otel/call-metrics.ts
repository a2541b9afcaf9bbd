import type { Attributes, Counter, Histogram, Meter, ObservableCounter } from '@opentelemetry/api';
import type { BackendCallMessage, CallMessage } from '../index';
import { ATTR_BACKEND, ATTR_ERROR_TYPE, ATTR_FUNCTION, ATTR_OPERATION, ATTR_OUTCOME, errorTypeOf, METRIC_BACKEND_ERRORS, METRIC_CALL_DURATION, METRIC_CALLS } from './names';

// From a memory hit (microseconds) to a slow function (seconds); the SDK's default buckets start at 5 ms.
const DURATION_BUCKETS_MS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** The calls of one function with one outcome: the attribute set, made once, and how many so far. */
interface CallSeries {
  readonly attributes: Attributes;
  count: number;
}

/** Series by function label, then by outcome. */
type SeriesTable = Map<string, Partial<Record<string, CallSeries>>>;

/**
 * The totals behind `easy_cache.calls`, one table and one observable counter per meter, so that
 * instrumenting again on the same meter provider (after an `unsubscribe()`) goes on counting the
 * same series instead of reporting a second, conflicting total for each of them.
 */
const tables = new WeakMap<Meter, SeriesTable>();

function tableOf(meter: Meter): SeriesTable {
  let table = tables.get(meter);
  if (table === undefined) {
    const series: SeriesTable = new Map();
    const calls: ObservableCounter = meter.createObservableCounter(METRIC_CALLS, { description: 'Calls of cached functions, by function and outcome (hit, stale, miss, error).', unit: '{call}' });
    calls.addCallback((result) => {
      for (const byOutcome of series.values()) for (const one of Object.values(byOutcome)) if (one) result.observe(one.count, one.attributes);
    });
    table = series;
    tables.set(meter, table);
  }
  return table;
}

/**
 * The three instruments of SPEC 11.7. `easy_cache.calls` is an asynchronous (observable) counter
 * fed from totals kept here: the SDK hashes the attributes of every synchronous measurement,
 * which a hit would pay twice; the duration histogram already pays it once.
 */
export class CallMetrics {
  readonly #duration: Histogram;
  readonly #backendErrors: Counter;

  constructor(meter: Meter) {
    this.#series = tableOf(meter);
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
    const series = this.#seriesOf(message.function, message.outcome ?? 'miss');
    series.count += 1;
    this.#duration.record(durationMs, series.attributes);
  }

  // One series per function and outcome, made once: a hit allocates none.
  readonly #series: SeriesTable;

  #seriesOf(label: string, outcome: string): CallSeries {
    let byOutcome = this.#series.get(label);
    if (byOutcome === undefined) {
      byOutcome = {};
      this.#series.set(label, byOutcome);
    }
    return (byOutcome[outcome] ??= { attributes: Object.freeze({ [ATTR_FUNCTION]: label, [ATTR_OUTCOME]: outcome }), count: 0 });
  }

  /** One backend call failed. */
  backendError(message: BackendCallMessage): void {
    this.#backendErrors.add(1, { [ATTR_BACKEND]: message.backend, [ATTR_OPERATION]: message.operation, [ATTR_ERROR_TYPE]: errorTypeOf(message.error, message.timedOut) });
  }
}
