import { attachHelpers, helpersOf, makeCallable } from './handle';
import { compilePlan } from './plan/compile-plan';
import type { CachedFunction, CachedOptions } from './types';

/**
 * Wraps `fn` so that its results are cached; the options are validated and the key template
 * compiled now, once. The result has `fn`'s parameters and `this`, always returns a Promise, and
 * carries `invalidateCacheByKey`, `invalidateCacheByTags`, `invalidateCacheByPrefix`,
 * `refreshCache` and `getCacheKey`.
 * @throws CacheConfigError for bad options, naming the option.
 * @example
 * const getUser = cached(async (id: number) => db.users.find(id), { cacheKey: 'user:{id}', timeout: 60 });
 * await getUser(1);
 * await getUser.invalidateCacheByKey(1);
 */
export function cached<A extends unknown[], R, T = unknown>(fn: (this: T, ...args: A) => R, options?: CachedOptions<A, R, T>): CachedFunction<A, R, T> {
  const plan = compilePlan(fn, options);
  const callable = makeCallable(plan);
  attachHelpers(callable, helpersOf(plan));
  return callable as unknown as CachedFunction<A, R, T>;
}
