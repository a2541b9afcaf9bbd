import { runCall } from './call/run-call';
import { runTracedCall } from './call/trace-call';
import { compilePlan, type CallPlan } from './compile/compile-plan';
import { attachHelpers, helpersOf } from './handle';
import { resolveBackend } from './registry';
import { callsTraced } from './observe/channels';
import type { AnyFunction, ArgsOf, CachedFunction, CachedOptions, ResultOf, StandardSchema, ThisOf, ValueOf } from './types';

type Callable = (this: unknown, ...args: unknown[]) => Promise<unknown>;

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
// With a `schema`, the cached function resolves to the schema's output (SPEC 11.8).
export function cached<F extends AnyFunction, S extends StandardSchema | undefined = undefined>(
  fn: F,
  options?: CachedOptions<ArgsOf<F>, ResultOf<F>, ThisOf<F>, S>,
): CachedFunction<ArgsOf<F>, ValueOf<ResultOf<F>, S>, ThisOf<F>> {
  const plan = compilePlan(fn, options, { findBackend: resolveBackend });
  const callable = makeCallable(plan);
  attachHelpers(callable, helpersOf(plan));
  return callable as unknown as CachedFunction<ArgsOf<F>, ValueOf<ResultOf<F>, S>, ThisOf<F>>;
}

/** A function that runs `plan` with its receiver as scope, keeping the original's name and length. */
export function makeCallable(plan: CallPlan, scopeOf?: (receiver: unknown) => unknown): Callable {
  const callable: Callable = scopeOf
    ? function (this: unknown, ...args) {
        return callsTraced() ? runTracedCall(plan, scopeOf(this), args) : runCall(plan, scopeOf(this), args);
      }
    : function (this: unknown, ...args) {
        return callsTraced() ? runTracedCall(plan, this, args) : runCall(plan, this, args);
      };
  Object.defineProperty(callable, 'name', { value: plan.fn.name || plan.name, configurable: true });
  Object.defineProperty(callable, 'length', { value: plan.fn.length, configurable: true });
  return callable;
}
