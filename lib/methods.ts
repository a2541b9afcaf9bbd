import { CacheConfigError } from './errors';
import { describeValue } from './shared/describe-value';
import { makeCallable } from './cached';
import { runCall } from './call/run-call';
import { runTracedCall } from './call/trace-call';
import { callsTraced } from './observe/channels';
import { compilePlan } from './compile/compile-plan';
import { attachHelpers, attachScopeFirstHelpers, helpersOf } from './handle';
import { resolveBackend } from './registry';
import type {
  CacheableMethodName,
  CacheablePropertyName,
  CachedMethodHandle,
  CachedOptions,
  CachedPropertyHandle,
  MemberOf,
  PropertyResult,
  StandardSchema,
  ValueOf,
} from './types';

type AnyArgsFunction = (...args: never[]) => unknown;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type ResultOf<F> = F extends (...args: never[]) => infer R ? R : never;

/** Names of the members of `P` that are methods returning a Promise (only those can be cached in place). */
export type AsyncMethodNames<P> = { [K in keyof P]: P[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof P] & string;
/** Names of the members of `P` that are Promise-valued getters or zero-argument async methods. */
export type AsyncPropertyNames<P> = {
  [K in keyof P]: P[K] extends Promise<unknown> ? K : P[K] extends () => Promise<unknown> ? K : never;
}[keyof P] & string;

/** The options of `cachedMethod`: those of `cached()`, plus `static` for a static method. */
export type CachedMethodOptions<S, F, Static extends boolean = boolean, Schema extends StandardSchema | undefined = StandardSchema | undefined> = CachedOptions<
  ArgsOf<F>,
  ResultOf<F>,
  S,
  Schema
> & {
  /** Cache a static method of the class instead of a prototype method. @default false */
  readonly static?: Static;
};

/** What `cachedMethod` caches on: the class itself for a static method, else its prototype. */
type OwnerOf<C, Static> = Static extends true ? C : C extends { prototype: infer P } ? P : never;

/**
 * Replaces a prototype method (or, with `{ static: true }`, a static method) by its cached form
 * and returns the handle, whose helpers take the scope first. Through an instance,
 * `user.method.invalidateCacheByKey(a)` uses that instance as scope (in TypeScript, reach it as
 * `cachedView(user.method)`). A member that does not return a Promise, or that is an instance
 * field rather than a method, is a compile error that says so.
 * @example
 * const getFriends = cachedMethod(User, 'getFriends', { cacheKey: 'friends:{this.id}:{page}' });
 * await getFriends.invalidateCacheByKey(user, 1);
 */
export function cachedMethod<
  C extends { prototype: object },
  K extends (keyof OwnerOf<C, Static> & string) | (string & {}),
  Static extends boolean = false,
  Schema extends StandardSchema | undefined = undefined,
>(
  Class: C,
  name: CacheableMethodName<OwnerOf<C, Static>, K, Static extends true ? 'class' : 'prototype'>,
  options?: CachedMethodOptions<OwnerOf<C, Static>, MemberOf<OwnerOf<C, Static>, K>, Static, Schema>,
): CachedMethodHandle<OwnerOf<C, Static>, ArgsOf<MemberOf<OwnerOf<C, Static>, K>>, ValueOf<ResultOf<MemberOf<OwnerOf<C, Static>, K>>, Schema>>;
export function cachedMethod(Class: { prototype: object; name?: string }, name: string, options: { static?: boolean } = {}): unknown {
  const where = `cachedMethod(${className(Class)}, "${name}")`;
  const { static: isStatic, ...rest } = options ?? {};
  if (isStatic !== undefined && typeof isStatic !== 'boolean') {
    throw new CacheConfigError(`${where}: option "static" must be true or false; received ${describeValue(isStatic)}`, { option: 'static', received: isStatic });
  }
  const owner: object = isStatic ? Class : Class.prototype;
  if (isInstalled(owner, name)) {
    throw new CacheConfigError(`${where}: "${name}" is already cached; cache each member once`, { option: 'name', received: name });
  }
  const original: unknown = (owner as Record<string, unknown>)[name];
  if (typeof original !== 'function') {
    throw new CacheConfigError(`${where}: ${isStatic ? 'the class' : 'the prototype'} has no method "${name}"; received ${typeof original}`, {
      option: 'name',
      received: name,
    });
  }
  const plan = compilePlan(original, rest, { defaultName: `${className(Class)}.${name}`, api: 'cachedMethod', findBackend: resolveBackend });
  const helpers = helpersOf(plan);
  const handle = makeCallable(plan);
  attachScopeFirstHelpers(handle, helpers);
  const bound = new WeakMap<object, AnyArgsFunction>();
  Object.defineProperty(owner, name, {
    configurable: true,
    enumerable: false,
    get: markInstalled(function (this: object) {
      let view = bound.get(this);
      if (!view) {
        const scope = this;
        view = makeCallable(plan, () => scope);
        attachHelpers(view, helpers, { scope });
        bound.set(this, view);
      }
      return view;
    }),
    set(this: object, value: unknown) {
      // Assigning on an instance shadows the cached method there, as for any own property.
      Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
    },
  });
  return handle;
}

/**
 * Turns a getter (or a zero-argument async method) into a cached getter that returns a Promise;
 * the handle's helpers take the instance: `handle.invalidateCacheByKey(user)`.
 * @example
 * const friendsCount = cachedProperty(User, 'friendsCount', { cacheKey: 'friends-count:{this.id}' });
 * await user.friendsCount;
 */
export function cachedProperty<P extends object, K extends (keyof P & string) | (string & {}), Schema extends StandardSchema | undefined = undefined>(
  Class: { prototype: P },
  name: CacheablePropertyName<P, K>,
  options?: CachedOptions<[], PropertyResult<MemberOf<P, K>>, P, Schema>,
): CachedPropertyHandle<P, ValueOf<PropertyResult<MemberOf<P, K>>, Schema>> {
  const where = `cachedProperty(${className(Class)}, "${name}")`;
  if (isInstalled(Class.prototype, name)) {
    throw new CacheConfigError(`${where}: "${name}" is already cached; cache each member once`, { option: 'name', received: name });
  }
  const descriptor = findDescriptor(Class.prototype, name);
  const original = descriptor?.get ?? descriptor?.value;
  if (typeof original !== 'function' || (!descriptor?.get && (original as AnyArgsFunction).length > 0)) {
    throw new CacheConfigError(`${where}: the prototype has no getter or zero-argument method "${name}"`, { option: 'name', received: name });
  }
  const plan = compilePlan(original, options, { defaultName: `${className(Class)}.${name}`, api: 'cachedProperty', findBackend: resolveBackend });
  Object.defineProperty(Class.prototype, name, {
    configurable: true,
    enumerable: false,
    get: markInstalled(function (this: object) {
      return callsTraced() ? runTracedCall(plan, this, []) : runCall(plan, this, []);
    }),
  });
  const handle = {};
  attachScopeFirstHelpers(handle, helpersOf(plan));
  return handle as CachedPropertyHandle<P, ValueOf<PropertyResult<MemberOf<P, K>>, Schema>>;
}

// Marks the accessors this module installs, so that caching a member twice is refused instead of
// wrapping the cached view (whose parameter names are lost) a second time.
const INSTALLED = Symbol('easy-cache.installed');

function markInstalled<F extends (this: object) => unknown>(getter: F): F {
  Object.defineProperty(getter, INSTALLED, { value: true });
  return getter;
}

function isInstalled(owner: object, name: string): boolean {
  const getter = findDescriptor(owner, name)?.get as { [INSTALLED]?: boolean } | undefined;
  return getter?.[INSTALLED] === true;
}

function findDescriptor(prototype: object, name: string): PropertyDescriptor | undefined {
  for (let at: object | null = prototype; at && at !== Object.prototype; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, name);
    if (descriptor) return descriptor;
  }
  return undefined;
}

function className(Class: object): string {
  const name = (Class as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : 'AnonymousClass';
}
