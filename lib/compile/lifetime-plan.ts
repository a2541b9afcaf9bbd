/**
 * How long a stored value lives, compiled once from `timeout`, `grace`, `eagerRefresh` and
 * `jitter` (SPEC 11.1, 11.3): the expiry sent to the backend (`timeout` + jitter + grace) and the
 * times the entry records (fresh until, gone at, refresh after), judged later by the reader's clock.
 */
import type { BackendTimeout } from '../backends/backend';
import { CacheConfigError } from '../errors';
import { describeValue } from '../shared/describe-value';
import type { CachedOptions } from '../types';
import { callHook, toCallHook, type CallFacts } from './call-hook';
import { compileTimeout, DO_NOT_STORE } from './timeout-plan';

/** When an entry stops being fresh (`f`), is gone (`g`) and is refreshed early (`r`), in ms since the epoch; each absent when it does not apply. */
export interface EntryTimes {
  readonly f?: number;
  readonly g?: number;
  readonly r?: number;
}

/** What a value's write needs: the backend's expiry and the entry's times. */
export interface Lifetime {
  readonly timeout: BackendTimeout;
  readonly times: EntryTimes | undefined;
}

/**
 * The lifetime of one call's value, measured from `clock()` (read only when the entry records
 * times: a clock read costs a miss about as much as a `Map.get`), or DO_NOT_STORE, or a
 * CacheConfigError to report.
 */
export type LifetimeOf = (facts: CallFacts, value: unknown, clock: () => number) => Lifetime | typeof DO_NOT_STORE | CacheConfigError;

/** The stale-serving settings of a function with `grace`, in milliseconds. */
export interface StalePlan {
  readonly graceMs: number;
  readonly graceBackoffMs: number;
  readonly softTimeoutMs: number | undefined;
}

/** `graceBackoff` when not given: seconds a stale value is served after a fail-safe return before the function is tried again. */
export const DEFAULT_GRACE_BACKOFF = 5;

type Options = CachedOptions<never[], unknown, unknown>;

/** Compiles the options that decide a value's lifetime; the cross-option rules were checked by `checkLifetimeOptions`. */
export function compileLifetime(o: Options, label: string): LifetimeOf {
  const timeoutOf = compileTimeout(o.timeout, label);
  const jitterOf = compileJitter(o.jitter, label);
  const graceMs = o.grace === undefined ? 0 : o.grace * 1000;
  const { eagerRefresh } = o;
  if (jitterOf === undefined && graceMs === 0 && eagerRefresh === undefined) {
    return (facts, value) => {
      const timeout = timeoutOf(facts, value);
      return timeout === DO_NOT_STORE || timeout instanceof CacheConfigError ? timeout : { timeout, times: undefined };
    };
  }
  return (facts, value, clock) => {
    const timeout = timeoutOf(facts, value);
    if (timeout === DO_NOT_STORE || timeout instanceof CacheConfigError) return timeout;
    // `null` (never expires) and the backend's default leave nothing to measure freshness against.
    if (typeof timeout !== 'number') return { timeout, times: undefined };
    const extra = jitterOf === undefined ? 0 : jitterOf(facts);
    if (extra instanceof CacheConfigError) return extra;
    const lives = timeout + extra * Math.random();
    const now = clock();
    const freshUntil = now + lives * 1000;
    const times: { f?: number; g?: number; r?: number } = {};
    if (graceMs > 0) {
      times.f = freshUntil;
      times.g = freshUntil + graceMs;
    }
    if (eagerRefresh !== undefined) times.r = now + eagerRefresh * lives * 1000;
    return { timeout: lives + graceMs / 1000, times };
  };
}

/**
 * Seconds a tag lives when it is created for one of the function's entries, before that entry is
 * computed and written (the write then extends it to the entry's own lifetime, see
 * `tags/tag-protocol.ts`): the longest an entry of the function can live when its options say so
 * at wrap time (`timeout` + `jitter` + `grace`), `null` when its entries never expire, `undefined`
 * (the backend's default) when they take the backend's default, and an hour when a timeout or
 * jitter function decides per value.
 */
export function compileTagLife(o: Options): BackendTimeout {
  const { timeout, jitter, grace } = o;
  if (timeout === null) return null;
  if (typeof timeout !== 'number' && typeof timeout !== 'function') return undefined;
  if (typeof timeout === 'function' || typeof jitter === 'function') return UNKNOWN_LIFETIME_TAG_SECONDS;
  return timeout + (jitter ?? 0) + (grace ?? 0);
}

/** How long a tag created for an entry whose lifetime is known only from its value lives until that entry's write extends it. */
export const UNKNOWN_LIFETIME_TAG_SECONDS = 3600;

/** The stale-serving settings, or `undefined` for a function without `grace`. */
export function compileStalePlan(o: Options): StalePlan | undefined {
  if (o.grace === undefined) return undefined;
  return Object.freeze({
    graceMs: o.grace * 1000,
    graceBackoffMs: (o.graceBackoff ?? DEFAULT_GRACE_BACKOFF) * 1000,
    softTimeoutMs: o.softTimeoutMs,
  });
}

/** The rules between options that each look right alone; throws CacheConfigError naming the option. */
export function checkLifetimeOptions(o: Options, label: string): void {
  const measurable = typeof o.timeout === 'number' || typeof o.timeout === 'function';
  for (const option of ['grace', 'eagerRefresh', 'jitter'] as const) {
    if (o[option] !== undefined && !measurable) {
      throw new CacheConfigError(`${label}: option "${option}" needs a "timeout" in seconds or a timeout function to measure from; received timeout ${describeValue(o.timeout)}`, {
        option,
        received: o[option],
      });
    }
  }
  for (const option of ['graceBackoff', 'softTimeoutMs'] as const) {
    if (o[option] !== undefined && o.grace === undefined) {
      throw new CacheConfigError(`${label}: option "${option}" applies only to stale values and needs option "grace"`, { option, received: o[option] });
    }
  }
}

function compileJitter(source: Options['jitter'], label: string): ((facts: CallFacts) => number | CacheConfigError) | undefined {
  if (source === undefined || source === 0) return undefined;
  if (typeof source === 'number') return () => source;
  const hook = toCallHook(source);
  return (facts) => {
    const seconds = callHook(hook, facts);
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return seconds;
    return new CacheConfigError(`${label}: the jitter function must return seconds (a finite number >= 0); it returned ${describeValue(seconds)}; the value was not stored`, {
      option: 'jitter',
      received: seconds,
    });
  };
}
