import { attachHelpers, helpersOf, makeCallable } from './handle';
import { compilePlan } from './plan/compile-plan';
import type { AnyFunction, ArgsOf, CachedFunction, CachedOptions, ResultOf, ThisOf } from './types';

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
// Generic over the whole function type (not its parts) so that a defaulted parameter without an
// annotation keeps the type of its default instead of `unknown`.
export function cached<F extends AnyFunction>(fn: F, options?: CachedOptions<ArgsOf<F>, ResultOf<F>, ThisOf<F>>): CachedFunction<ArgsOf<F>, ResultOf<F>, ThisOf<F>> {
  const plan = compilePlan(fn, options);
  const callable = makeCallable(plan);
  attachHelpers(callable, helpersOf(plan));
  return callable as unknown as CachedFunction<ArgsOf<F>, ResultOf<F>, ThisOf<F>>;
}
