import { changeKeyOf, changePrefixOf, changeTagsOf } from './call/invalidation';
import { refresh } from './call/run-call';
import { renderFullKey, type CallPlan } from './compile/compile-plan';
import { CacheConfigError } from './errors';
import { describeValue } from './shared/describe-value';
import type { AnyFunction, CachedMember } from './types';

// The callables whose helpers take their arguments as the call does (cached functions and the
// per-instance views of cached methods), so that `cachedView` can check what it is given.
const VIEWS = new WeakSet<object>();

/** The helpers of a cached function, each given its scope explicitly. */
export interface PlanHelpers {
  invalidateCacheByKey(scope: unknown, args: readonly unknown[]): Promise<void>;
  invalidateCacheByTags(tags: string | readonly string[] | undefined, scope: unknown, args: readonly unknown[]): Promise<void>;
  invalidateCacheByPrefix(scope: unknown, args: readonly unknown[]): Promise<void>;
  expireCacheByKey(scope: unknown, args: readonly unknown[]): Promise<void>;
  expireCacheByTags(tags: string | readonly string[] | undefined, scope: unknown, args: readonly unknown[]): Promise<void>;
  expireCacheByPrefix(scope: unknown, args: readonly unknown[]): Promise<void>;
  refreshCache(scope: unknown, args: readonly unknown[]): Promise<unknown>;
  getCacheKey(scope: unknown, args: readonly unknown[]): string;
}

/** The helpers of `plan`. */
export function helpersOf(plan: CallPlan): PlanHelpers {
  return {
    invalidateCacheByKey: (scope, args) => changeKeyOf(plan, 'hard', scope, args),
    invalidateCacheByTags: (tags, scope, args) => changeTagsOf(plan, 'hard', tags, scope, args),
    invalidateCacheByPrefix: (scope, args) => changePrefixOf(plan, 'hard', scope, args),
    expireCacheByKey: (scope, args) => changeKeyOf(plan, 'soft', scope, args),
    expireCacheByTags: (tags, scope, args) => changeTagsOf(plan, 'soft', tags, scope, args),
    expireCacheByPrefix: (scope, args) => changePrefixOf(plan, 'soft', scope, args),
    refreshCache: (scope, args) => refresh(plan, scope, args),
    getCacheKey: (scope, args) => renderFullKey(plan, args, scope),
  };
}

/** Attaches helpers that take their arguments as the call does; their scope is their own `this` unless that is `target` itself. */
export function attachHelpers(target: object, helpers: PlanHelpers, fixedScope?: { scope: unknown }): void {
  const scopeOf = (self: unknown): unknown => (fixedScope ? fixedScope.scope : self === target ? undefined : self);
  VIEWS.add(target);
  define(target, {
    invalidateCacheByKey(this: unknown, ...args: unknown[]) {
      return helpers.invalidateCacheByKey(scopeOf(this), args);
    },
    invalidateCacheByTags(this: unknown, tags?: string | readonly string[], ...args: unknown[]) {
      return helpers.invalidateCacheByTags(tags, scopeOf(this), args);
    },
    invalidateCacheByPrefix(this: unknown, ...args: unknown[]) {
      return helpers.invalidateCacheByPrefix(scopeOf(this), args);
    },
    expireCacheByKey(this: unknown, ...args: unknown[]) {
      return helpers.expireCacheByKey(scopeOf(this), args);
    },
    expireCacheByTags(this: unknown, tags?: string | readonly string[], ...args: unknown[]) {
      return helpers.expireCacheByTags(tags, scopeOf(this), args);
    },
    expireCacheByPrefix(this: unknown, ...args: unknown[]) {
      return helpers.expireCacheByPrefix(scopeOf(this), args);
    },
    refreshCache(this: unknown, ...args: unknown[]) {
      return helpers.refreshCache(scopeOf(this), args);
    },
    getCacheKey(this: unknown, ...args: unknown[]) {
      return helpers.getCacheKey(scopeOf(this), args);
    },
  });
}

/** Attaches helpers that take the scope first (`handle.invalidateCacheByKey(user, a)`). */
export function attachScopeFirstHelpers(target: object, helpers: PlanHelpers): void {
  define(target, {
    invalidateCacheByKey: (scope: unknown, ...args: unknown[]) => helpers.invalidateCacheByKey(scope, args),
    invalidateCacheByTags: (tags: string | readonly string[] | undefined, scope: unknown, ...args: unknown[]) =>
      helpers.invalidateCacheByTags(tags, scope, args),
    invalidateCacheByPrefix: (scope: unknown, ...args: unknown[]) => helpers.invalidateCacheByPrefix(scope, args),
    expireCacheByKey: (scope: unknown, ...args: unknown[]) => helpers.expireCacheByKey(scope, args),
    expireCacheByTags: (tags: string | readonly string[] | undefined, scope: unknown, ...args: unknown[]) => helpers.expireCacheByTags(tags, scope, args),
    expireCacheByPrefix: (scope: unknown, ...args: unknown[]) => helpers.expireCacheByPrefix(scope, args),
    refreshCache: (scope: unknown, ...args: unknown[]) => helpers.refreshCache(scope, args),
    getCacheKey: (scope: unknown, ...args: unknown[]) => helpers.getCacheKey(scope, args),
  });
}

function define(target: object, members: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(members)) {
    Object.defineProperty(target, name, { value, enumerable: false, configurable: true, writable: false });
  }
}

/**
 * The helpers of a cached method as reached through an instance (or of a cached static method
 * through its class), typed: TypeScript keeps the class's own type for `user.getFriends`, so
 * `cachedView(user.getFriends).invalidateCacheByKey(1)` is how to reach them without a cast. It
 * returns its argument, after checking that it is a cached function.
 * @throws CacheConfigError when `member` is not a cached function (say, the method was never cached).
 * @example
 * cachedMethod(User, 'getFriends', { cacheKey: 'friends:{this.id}:{page}' });
 * await cachedView(user.getFriends).invalidateCacheByKey(1); // scope: user
 */
export function cachedView<F extends AnyFunction>(member: F): CachedMember<F> {
  if (!VIEWS.has(member)) {
    throw new CacheConfigError(
      `cachedView(): expected a cached function or a method cached with cachedMethod, read through its instance or class; received ${typeof member === 'function' ? `${describeValue(member)}, which is not cached` : describeValue(member)}`,
      { option: 'member', received: member },
    );
  }
  return member as unknown as CachedMember<F>;
}
