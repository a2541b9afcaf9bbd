import { CacheConfigError } from '../../errors';
import { describeValue } from '../../shared/describe-value';

/** A write's timeout of 0 or less: store nothing, and remove what the key held. */
export const EXPIRE_NOW = 'expire-now';

/** How long a write keeps its value: positive seconds, `null` (never expires) or `EXPIRE_NOW`. */
export type WriteExpiry = number | null | typeof EXPIRE_NOW;

/**
 * The expiry of a write from the `timeout` it was given (see `BackendTimeout`): `undefined` takes
 * the backend's `defaultTimeout`. NaN and ±Infinity are refused by every backend alike (`null` is
 * the way to say "never expires"), with a `CacheConfigError` naming the backend and method.
 * @example writeExpiry('RedisCache', 'set', undefined, 60) // 60
 * @example writeExpiry('RedisCache', 'set', 0, null) // EXPIRE_NOW
 */
export function writeExpiry(backend: string, method: string, timeout: unknown, defaultTimeout: number | null): WriteExpiry {
  const seconds = timeout === undefined ? defaultTimeout : timeout;
  if (seconds === null) return null;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new CacheConfigError(
      `${backend}.${method}(): timeout must be a finite number of seconds, null or undefined; received ${describeValue(seconds)}`,
      { option: 'timeout', received: seconds },
    );
  }
  return seconds > 0 ? seconds : EXPIRE_NOW;
}

/**
 * Positive `seconds` as whole milliseconds, rounded up so that a short expiry never becomes 0;
 * `null` (never expires) past 2^53 ms (285,000 years), which no longer prints as an integer.
 * @example toWholeMilliseconds(1.1) // 1100
 */
export function toWholeMilliseconds(seconds: number): number | null {
  // Rounding to microseconds first keeps 1.1 s at 1100 ms despite floating point (1100.0000000000002).
  const ms = Math.max(1, Math.ceil(Math.round(seconds * 1e6) / 1e3));
  return ms > Number.MAX_SAFE_INTEGER ? null : ms;
}
