/**
 * The `lock` option compiled (SPEC 11.4): how long a lock lives and how long a call waits for
 * another process's value, in milliseconds.
 */
import type { CachedOptions } from '../types';

/** The lock settings of a function with `lock`. */
export interface LockPlan {
  /** The lock's expiry, should its owner never release it. */
  readonly ttlMs: number;
  /** The longest a call waits for another process's value before it runs the function itself. */
  readonly waitMs: number;
}

/** The defaults of `lock: true`. */
export const DEFAULT_LOCK: LockPlan = Object.freeze({ ttlMs: 10_000, waitMs: 5_000 });

/** The lock plan of validated options, or `undefined` without a lock. */
export function compileLockPlan(lock: CachedOptions['lock']): LockPlan | undefined {
  if (lock === undefined || lock === false) return undefined;
  if (lock === true) return DEFAULT_LOCK;
  return Object.freeze({ ttlMs: lock.ttlMs ?? DEFAULT_LOCK.ttlMs, waitMs: lock.waitMs ?? DEFAULT_LOCK.waitMs });
}
