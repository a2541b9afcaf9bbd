import type { BackendTimeout, CacheInstance } from '../backends/backend';
import { CacheConfigError } from '../errors';
import { compileAutomaticKey } from '../keys/automatic-key';
import { KEY_DELIMITER } from '../keys/key-parts';
import { readSignature, type FunctionSignature } from '../keys/parameter-names';
import { validateOptions } from '../options/resolve';
import type { CacheEventListener } from '../observe/events';
import type { ErrorHandler } from '../observe/report';
import type { CachedOptions, StandardSchema } from '../types';
import { compileLockPlan, type LockPlan } from './lock-plan';
import { compileTagsPlan, type TagsPlan } from './tags-plan';
import { compileTextPlan, type TextPlan } from './text-plan';
import { checkLifetimeOptions, compileLifetime, compileStalePlan, compileTagLife, type LifetimeOf, type StalePlan } from './lifetime-plan';

/** Everything a call needs, compiled once when `cached()` is called; the call path only runs it. */
export interface CallPlan {
  readonly fn: (...args: never[]) => unknown;
  readonly name: string;
  readonly label: string;
  readonly signature: FunctionSignature;
  readonly settings: CallSettings;
  readonly backend: () => CacheInstance;
  readonly key: TextPlan;
  readonly prefix: TextPlan | undefined;
  readonly tags: TagsPlan | undefined;
  /** The backend expiry and entry times of a value (timeout, grace, eager refresh, jitter). */
  readonly lifetime: LifetimeOf;
  /** Stale serving, for a function with `grace`. */
  readonly stale: StalePlan | undefined;
  /** How long a tag created for one of its entries lives until that entry's write extends it (seconds, see `compileTagLife`). */
  readonly tagLife: BackendTimeout;
  /** How long a caller waits for the function before a stale value or a FunctionTimeoutError, in ms. */
  readonly hardTimeoutMs: number | undefined;
  /** One computation of a key across processes (`lock`), when set. */
  readonly lock: LockPlan | undefined;
  /** The `version` entries are written under and must carry to be read. */
  readonly version: string | undefined;
  /** The `schema`'s Standard Schema interface, when values are checked. */
  readonly schema: StandardSchema['~standard'] | undefined;
}

/** How one cached function talks to backends: its bound, its strictness and where its errors go. */
export interface CallSettings {
  readonly label: string;
  /** The function's own bound in ms; `undefined` defers to the backend's, then to the default. */
  readonly backendTimeoutMs: number | undefined;
  readonly strict: boolean;
  readonly onError: ErrorHandler | undefined;
  readonly onEvent: CacheEventListener | undefined;
}

/** How a plan finds its backend at call time, given its `cacheInstance` or `cacheAlias` (the registry's lookup). */
export type BackendLookup = (instance: CacheInstance | undefined, alias: string | undefined, label: string) => () => CacheInstance;

/** Where `cached()` was called from, for names and messages (`cachedMethod` passes `User.getFriends`), and the backend lookup. */
export interface PlanContext {
  readonly findBackend: BackendLookup;
  readonly defaultName?: string;
  readonly api?: string;
}

/** Validates the options and compiles keys, tags, prefix and timeout; throws CacheConfigError. */
export function compilePlan(fn: unknown, options: unknown, context: PlanContext): CallPlan {
  const api = context.api ?? 'cached';
  if (typeof fn !== 'function') {
    throw new CacheConfigError(`${api}(): the first argument must be the function to cache; received ${typeof fn}`, { received: fn });
  }
  const target = fn as (...args: never[]) => unknown;
  const provisional = `${api}(${context.defaultName ?? (target.name || 'anonymous function')})`;
  const o = validateOptions<CachedOptions<never[], unknown, unknown>>(options, provisional);
  const name = o.name ?? context.defaultName ?? target.name;
  const label = `${api}(${name || 'anonymous function'})`;
  checkLifetimeOptions(o, label);
  const signature = readSignature(target, o.argNames, label);
  const key = compileKey(o, target, name, signature, label);
  return Object.freeze({
    fn: target,
    name,
    label,
    signature,
    settings: Object.freeze({
      label,
      backendTimeoutMs: o.backendTimeoutMs,
      strict: o.strict ?? false,
      onError: o.onError,
      onEvent: o.onEvent,
    }),
    backend: context.findBackend(o.cacheInstance, o.cacheAlias, label),
    key,
    prefix: o.prefix === undefined ? undefined : compileTextPlan(o.prefix, target, signature, { label, option: 'prefix' }),
    tags: o.tags === undefined ? undefined : compileTagsPlan(o.tags, signature, label),
    lifetime: compileLifetime(o, label),
    stale: compileStalePlan(o),
    tagLife: compileTagLife(o),
    hardTimeoutMs: o.hardTimeoutMs,
    lock: compileLockPlan(o.lock),
    version: o.version,
    schema: o.schema?.['~standard'],
  });
}

function compileKey(
  o: CachedOptions<never[], unknown, unknown>,
  fn: (...args: never[]) => unknown,
  name: string,
  signature: FunctionSignature,
  label: string,
): TextPlan {
  if (o.cacheKey !== undefined) return compileTextPlan(o.cacheKey, fn, signature, { label, option: 'cacheKey' });
  if (!name) {
    throw new CacheConfigError(`${label}: a function without a name needs option "cacheKey" or "name" to build its keys`, {
      option: 'cacheKey',
    });
  }
  return compileAutomaticKey(name, signature);
}

/** The full key of a call: `prefix:key` when there is a prefix. */
export function renderFullKey(plan: CallPlan, args: readonly unknown[], scope: unknown): string {
  const key = plan.key.render(args, scope);
  return plan.prefix ? plan.prefix.render(args, scope) + KEY_DELIMITER + key : key;
}
