import type { CacheInstance } from './backends/backend';
import type { SchemaIssue } from './errors';
import type { DefaultTimeout } from './options/defaults';
import type { LockOptions } from './options/lock-options';
import type { CacheEventListener } from './observe/events';
import type { ErrorHandler } from './observe/report';

declare const metaMark: unique symbol;

/** What a key, tag, prefix or timeout function marked with `metaAccepted` receives. */
export interface Meta<A extends unknown[] = unknown[], R = unknown, T = unknown> {
  /** The positional arguments as called. */
  readonly args: Readonly<A>;
  /** Parameter name to value, with literal defaults filled in. */
  readonly callArgs: Readonly<Record<string, unknown>>;
  /** The receiver of the call, or `undefined`. */
  readonly scope: T | undefined;
  /** The original, unwrapped function. */
  // Method syntax: checked bivariantly, so a meta function written for unknown[] fits any function.
  function(this: T, ...args: A): R;
  /** True only when a tag function runs after the call; then `returnedValue` is set. */
  readonly hasReturnedValue: boolean;
  /** The value the call returned (check `hasReturnedValue` first). */
  readonly returnedValue?: Awaited<R>;
}

/** A function marked with `metaAccepted`: it receives one `Meta` object. */
export interface MetaFunction<A extends unknown[], R, T, O> {
  (meta: Meta<A, R, T>): O;
  // A second signature with its own type parameter: TypeScript then takes no contextual signature
  // from this member, so an unannotated `(id) => ...` option is typed by the arguments form alone
  // (two candidate signatures would leave `id` implicitly `any`). A `(meta: Meta) => ...` still fits.
  /** @internal */
  <M extends Meta<A, R, T>>(meta: M): O;
  /** @internal */
  readonly [metaMark]?: true;
}

/** A function of the call: receives the call's arguments (with `this` set to the scope), or a `Meta` when marked. */
export type CallFunction<A extends unknown[], R, T, O> = ((this: T, ...args: A) => O) | MetaFunction<A, R, T, O>;

/** What a timeout can be: seconds, `null` (never expires) or `DEFAULT_TIMEOUT`. */
export type Timeout = number | null | DefaultTimeout;

/** The result of a Standard Schema's `validate`: the (maybe transformed) value, or the issues found. */
export type StandardResult<Output> =
  | {
      /** The value as the schema outputs it. */
      readonly value: Output;
      /** Absent when the value passed. */
      readonly issues?: undefined;
    }
  | {
      /** What the schema found wrong. */
      readonly issues: ReadonlyArray<SchemaIssue>;
    };


/**
 * A Standard Schema (https://standardschema.dev): what zod, valibot, arktype and others implement.
 * easy-cache only calls `validate`, which may return a Promise.
 */
export interface StandardSchema<Input = unknown, Output = Input> {
  /** The Standard Schema interface. */
  readonly '~standard': {
    /** The version of the standard. */
    readonly version: 1;
    /** The library that made the schema. */
    readonly vendor: string;
    /** Checks a value: its output, or the issues found (maybe as a Promise). */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    /** The types the schema takes and gives, for inference only. */
    readonly types?:
      | {
          /** What the schema accepts. */
          readonly input: Input;
          /** What the schema gives back. */
          readonly output: Output;
        }
      | undefined;
  };
}

/** What a cached function resolves to: the schema's output when it has a `schema`, else the function's own result. */
export type ValueOf<R, S> = [S] extends [StandardSchema<unknown, infer O>] ? ([unknown] extends [S] ? R : O) : R;

/** The options of `cached()`; every one is optional. See docs/options.md. */
export interface CachedOptions<A extends unknown[] = unknown[], R = unknown, T = unknown, S extends StandardSchema | undefined = StandardSchema | undefined> {
  /**
   * How the key is built: a template (`'user:{id}'`), a list of parameter names, or a key function.
   * @default the function's name followed by its arguments (an automatic key)
   */
  readonly cacheKey?: string | readonly string[] | CallFunction<A, R, T, string>;
  /**
   * Seconds the entry lives; `null` never expires; a function may return 0 or less for "do not store".
   * @default DEFAULT_TIMEOUT (the backend's default)
   */
  readonly timeout?: Timeout | CallFunction<A, R, T, Timeout | undefined>;
  /** Tag templates attached to the entry, or a function returning them (with meta, it may read the returned value). */
  readonly tags?: readonly string[] | CallFunction<A, R, T, readonly string[]>;
  /** Prepended to the key (`prefix:key`) and attached as a tag. */
  readonly prefix?: string | CallFunction<A, R, T, string>;
  /** The name of a backend registered with `caches.set()`, looked up at call time. */
  readonly cacheAlias?: string;
  /** The backend to use directly. */
  readonly cacheInstance?: CacheInstance;
  /**
   * The function's name in automatic keys and messages.
   * @default fn.name
   */
  readonly name?: string;
  /** Parameter names, where the function's source cannot tell (minified, native or bound functions). */
  readonly argNames?: readonly string[];
  /** Receives every error this function reports instead of throwing. @default caches.onError's handler */
  readonly onError?: ErrorHandler;
  /** Receives this function's hit, miss, set, invalidate and backend-error events. */
  readonly onEvent?: CacheEventListener;
  /**
   * Backend errors reject the call with `BackendError` instead of running the function uncached.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * The bound on one backend call, in milliseconds.
   * @default the backend's `backendTimeoutMs`, else 250
   */
  readonly backendTimeoutMs?: number;
  /**
   * Seconds an entry stays after its `timeout` as a stale fallback: a call that finds it runs the
   * function, and returns the stale value if the function throws or passes `hardTimeoutMs`
   * (fail-safe). Needs a `timeout` in seconds or a timeout function. See docs/stale-serving.md.
   * @example cached(getRates, { timeout: 60, grace: 3600 })
   */
  readonly grace?: number;
  /**
   * Seconds a stale value is served without calling the function again after a fail-safe return.
   * Needs `grace`.
   * @default 5
   */
  readonly graceBackoff?: number;
  /**
   * When a stale entry exists, the longest a caller waits for the function before it gets the stale
   * value (the function goes on in the background); `0` is stale-while-revalidate. Needs `grace`.
   */
  readonly softTimeoutMs?: number;
  /**
   * The longest a caller waits for the function: then it gets the stale value if there is one, else
   * the call rejects with `FunctionTimeoutError`. The function goes on in the background.
   */
  readonly hardTimeoutMs?: number;
  /**
   * A fraction strictly between 0 and 1: a hit on a fresh entry older than `eagerRefresh × timeout`
   * returns it and refreshes it in the background. Needs a `timeout` in seconds or a timeout function.
   */
  readonly eagerRefresh?: number;
  /**
   * One computation of a key across processes: a miss takes a lock for its key on the backend,
   * reads the entry again and runs the function only if still needed; other processes wait for
   * its value at most `waitMs`. A call with a stale value does not wait; lock operations fail
   * open; on `MemoryCache` the in-process flight is the lock. See docs/stampedes.md.
   * @default undefined (no lock: one computation per key per process)
   * @example cached(loadReport, { timeout: 600, lock: true })
   * @example cached(loadReport, { timeout: 600, lock: { ttlMs: 30_000, waitMs: 10_000 } })
   */
  readonly lock?: boolean | LockOptions;
  /**
   * Seconds (or a function of the call returning them): each stored entry lives a uniformly random
   * extra in `[0, jitter]`, so entries written together do not expire together.
   */
  readonly jitter?: number | CallFunction<A, R, T, number>;
  /**
   * A zod schema (or any Standard Schema) that every cached value must pass when read: a value that
   * fails is a miss (reported once a second at most, with a `SchemaError`), recomputed and
   * overwritten. The function's fresh value is checked too, before it is stored; the call resolves
   * to the schema's output, and so does the cached function's type. See docs/values.md.
   * @example cached(getUser, { schema: z.object({ id: z.number(), name: z.string() }) })
   */
  readonly schema?: S;
  /**
   * Stored with each entry: an entry written under another version (or none) is a miss, never served,
   * not even stale. Bump it when the shape of the value changes, instead of flushing the cache.
   * @example cached(getUser, { version: '2' })
   */
  readonly version?: string;
}

/** Any function, whatever its `this`, parameters and result (`never` makes every function fit). */
export type AnyFunction = (...args: never[]) => unknown;
/** The parameters of a function type. */
export type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
/** The result of a function type. */
export type ResultOf<F> = F extends (...args: never[]) => infer R ? R : never;
/** The `this` of a function type (`unknown` when it declares none). */
export type ThisOf<F> = ThisParameterType<F>;

/** Arguments that may be left off from the end (for tag and prefix invalidation). */
export type LeadingArgs<A extends unknown[]> = Partial<A>;

/** The helpers attached to every cached function. */
export interface CacheHelpers<A extends unknown[], R> {
  /** Deletes the entry that a call with `args` would read. */
  invalidateCacheByKey(...args: A): Promise<void>;
  /** Invalidates the function's tags rendered for `args`; with `tags`, only those of them that are among its tags. */
  invalidateCacheByTags(tags?: string | readonly string[], ...args: LeadingArgs<A>): Promise<void>;
  /** Invalidates the prefix rendered for `args`: every entry stored under it, by any function. */
  invalidateCacheByPrefix(...args: LeadingArgs<A>): Promise<void>;
  /** Makes the entry that a call with `args` would read stale at once (a fallback until its grace ends; a miss without `grace`). */
  expireCacheByKey(...args: A): Promise<void>;
  /** Makes the entries carrying the function's tags rendered for `args` stale; with `tags`, only those of them that are among its tags. */
  expireCacheByTags(tags?: string | readonly string[], ...args: LeadingArgs<A>): Promise<void>;
  /** Makes every entry under the prefix rendered for `args` stale. */
  expireCacheByPrefix(...args: LeadingArgs<A>): Promise<void>;
  /** Calls the function now, stores the result and returns it. */
  refreshCache(...args: A): Promise<Awaited<R>>;
  /** The key a call with `args` would use. */
  getCacheKey(...args: A): string;
}

/** A cached function: the original's parameters and `this`, always async, with helpers attached. */
export type CachedFunction<A extends unknown[], R, T = unknown> = ((this: T, ...args: A) => Promise<Awaited<R>>) & CacheHelpers<A, R>;

/** Helpers that take the scope (the instance) first, as on the handles of `cachedMethod` and `cachedProperty`. */
export interface ScopedCacheHelpers<S, A extends unknown[], R> {
  /** Deletes the entry that a call on `scope` with `args` would read. */
  invalidateCacheByKey(scope: S, ...args: A): Promise<void>;
  /** Invalidates the function's tags rendered for `scope` and `args`; with `tags`, only those of them that are among its tags. */
  invalidateCacheByTags(tags: string | readonly string[] | undefined, scope: S, ...args: LeadingArgs<A>): Promise<void>;
  /** Invalidates the prefix rendered for `scope` and `args`. */
  invalidateCacheByPrefix(scope: S, ...args: LeadingArgs<A>): Promise<void>;
  /** Makes the entry that a call on `scope` with `args` would read stale at once. */
  expireCacheByKey(scope: S, ...args: A): Promise<void>;
  /** Makes the entries carrying the function's tags rendered for `scope` and `args` stale; with `tags`, only those of them that are among its tags. */
  expireCacheByTags(tags: string | readonly string[] | undefined, scope: S, ...args: LeadingArgs<A>): Promise<void>;
  /** Makes every entry under the prefix rendered for `scope` and `args` stale. */
  expireCacheByPrefix(scope: S, ...args: LeadingArgs<A>): Promise<void>;
  /** Calls the method on `scope` now, stores the result and returns it. */
  refreshCache(scope: S, ...args: A): Promise<Awaited<R>>;
  /** The key a call on `scope` with `args` would use. */
  getCacheKey(scope: S, ...args: A): string;
}

/** The handle `cachedMethod` returns: the unbound cached method, its helpers taking the scope first. */
export type CachedMethodHandle<S, A extends unknown[], R> = ((this: S, ...args: A) => Promise<Awaited<R>>) & ScopedCacheHelpers<S, A, R>;

/** The handle `cachedProperty` returns: not callable; its helpers take the instance. */
export type CachedPropertyHandle<S, R> = ScopedCacheHelpers<S, [], R>;

/** A method as seen through an instance after `cachedMethod`: callable, with helpers using that instance. */
export type CachedMember<F> = F extends (this: infer T, ...args: infer A) => infer R ? CachedFunction<A, R, T> : never;

declare const typeErrorMark: unique symbol;
/**
 * A parameter type that no value fits, carrying a sentence: when a call does not compile, the
 * compiler prints `Message` as the type the argument should have had, so the error says what is wrong.
 */
export type TypeErrorMessage<Message extends string> = Message & {
  /** A brand no value has. */
  readonly [typeErrorMark]: Message;
};

// A method declared on the class compares its parameters both ways (method bivariance); an
// instance field holding an arrow function or function expression compares them strictly. So a
// function of `never` parameters fits a method but not a field (with no parameters, nothing tells).
type DeclaredAsMethod<F> = F extends (...args: infer A) => unknown
  ? A extends []
    ? true
    : ((...args: { [I in keyof A]: never }) => never) extends F
      ? true
      : false
  : false;

/** The member `K` of `P`, or `never` when `P` has none. */
export type MemberOf<P, K> = K extends keyof P ? P[K] : never;

/** `K` when `cachedMethod` can cache the member `K` of `P` in place; else a `TypeErrorMessage` that names the cause. */
export type CacheableMethodName<P, K extends string, Where extends 'prototype' | 'class'> = K extends keyof P
  ? P[K] extends (...args: never[]) => unknown
    ? P[K] extends (...args: never[]) => PromiseLike<unknown>
      ? Where extends 'class' | (DeclaredAsMethod<P[K]> extends true ? 'prototype' : never)
        ? K
        : TypeErrorMessage<`cachedMethod: '${K}' is an instance field (an arrow function or function expression), not a method on the prototype; declare it as a method, or wrap the function with cached()`>
      : TypeErrorMessage<`cachedMethod: '${K}' does not return a Promise; only async methods can be cached in place, since the cached form is async`>
    : TypeErrorMessage<`cachedMethod: '${K}' is not a method`>
  : TypeErrorMessage<`cachedMethod: the ${Where} has no member '${K}'${Where extends 'prototype' ? "; for a static method pass { static: true }" : ''}`>;

/** `K` when `cachedProperty` can cache the member `K` of `P`; else a `TypeErrorMessage` that names the cause. */
export type CacheablePropertyName<P, K extends string> = K extends keyof P
  ? P[K] extends PromiseLike<unknown>
    ? K
    : P[K] extends () => PromiseLike<unknown>
      ? K
      : P[K] extends (...args: never[]) => PromiseLike<unknown>
        ? TypeErrorMessage<`cachedProperty: '${K}' takes arguments; only a getter or a zero-argument method can be cached as a property (use cachedMethod)`>
        : TypeErrorMessage<`cachedProperty: '${K}' is not a Promise; only a getter returning a Promise or a zero-argument async method can be cached, since the cached form is async`>
  : TypeErrorMessage<`cachedProperty: the prototype has no member '${K}'`>;

/** The value a `cachedProperty` member resolves to: a getter's Promise, or a zero-argument method's result. */
export type PropertyResult<M> = M extends () => infer R ? R : M;
