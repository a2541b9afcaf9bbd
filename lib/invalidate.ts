import { z } from 'zod';
import type { CacheInstance } from './backends/backend';
import { CacheConfigError } from './errors';
import { describeValue } from './shared/describe-value';
import { changeKey, changeTags, type Mode } from './call/invalidation';
import type { CallSettings } from './compile/compile-plan';
import { optionError, type KnownOptions } from './shared/option-error';
import { resolveBackend } from './registry';
import { tagKeyOf } from './tags/tag-protocol';

/** Which backend a free invalidation talks to: one of these, or the default backend. */
export interface InvalidateOptions {
  /** The name of a backend registered with `caches.set()`. */
  readonly cacheAlias?: string;
  /** The backend to use directly. */
  readonly cacheInstance?: CacheInstance;
  /** The bound on the backend call, in milliseconds. @default the backend's, else 250 */
  readonly backendTimeoutMs?: number;
}

/**
 * Deletes the entry stored under `key` (a full key, as `getCacheKey` returns it).
 * @example await invalidateCacheKey(createCacheKey('user', 42), { cacheAlias: 'redis' })
 */
export async function invalidateCacheKey(key: string, options: InvalidateOptions = {}): Promise<void> {
  await changeKeyNamed('invalidateCacheKey', key, options, 'hard');
}

/**
 * Invalidates tags (their rendered text, e.g. `'book:42'`): every entry carrying one of them becomes a miss.
 * @example await invalidateCacheTags(['book:42', 'shop:7'])
 */
export async function invalidateCacheTags(tags: string | readonly string[], options: InvalidateOptions = {}): Promise<void> {
  await changeTagsNamed('invalidateCacheTags', tags, options, 'hard');
}

/**
 * Invalidates a prefix (its rendered text): every entry stored under it, by any function.
 * @example await invalidateCachePrefix('shop:7')
 */
export async function invalidateCachePrefix(prefix: string, options: InvalidateOptions = {}): Promise<void> {
  await changePrefixNamed('invalidateCachePrefix', prefix, options, 'hard');
}

/**
 * Makes the entry stored under `key` stale at once: a function with `grace` recomputes it on the
 * next call and keeps it as a fallback until its grace ends; for others it is simply a miss.
 * @example await expireCacheKey(createCacheKey('rates', 'EUR'))
 */
export async function expireCacheKey(key: string, options: InvalidateOptions = {}): Promise<void> {
  await changeKeyNamed('expireCacheKey', key, options, 'soft');
}

/**
 * Makes every entry carrying one of `tags` stale (soft invalidation): recomputed on the next call,
 * kept as a fallback until its grace ends.
 * @example await expireCacheTags('book:42')
 */
export async function expireCacheTags(tags: string | readonly string[], options: InvalidateOptions = {}): Promise<void> {
  await changeTagsNamed('expireCacheTags', tags, options, 'soft');
}

/**
 * Makes every entry stored under `prefix` stale (soft invalidation).
 * @example await expireCachePrefix('shop:7')
 */
export async function expireCachePrefix(prefix: string, options: InvalidateOptions = {}): Promise<void> {
  await changePrefixNamed('expireCachePrefix', prefix, options, 'soft');
}

async function changeKeyNamed(api: string, key: string, options: InvalidateOptions, mode: Mode): Promise<void> {
  if (typeof key !== 'string' || key.length === 0) throw badText(api, 'key', key);
  const { backend, settings } = target(api, options);
  await changeKey(backend, settings, key, mode);
}

async function changeTagsNamed(api: string, tags: string | readonly string[], options: InvalidateOptions, mode: Mode): Promise<void> {
  const list = typeof tags === 'string' ? [tags] : tags;
  if (!Array.isArray(list) || list.length === 0 || !list.every((tag) => typeof tag === 'string' && tag.length > 0)) {
    throw badText(api, 'tags', tags);
  }
  const { backend, settings } = target(api, options);
  await changeTags(backend, settings, [...new Set(list)].map(tagKeyOf), 'tag', mode);
}

async function changePrefixNamed(api: string, prefix: string, options: InvalidateOptions, mode: Mode): Promise<void> {
  if (typeof prefix !== 'string' || prefix.length === 0) throw badText(api, 'prefix', prefix);
  const { backend, settings } = target(api, options);
  await changeTags(backend, settings, [tagKeyOf(prefix)], 'prefix', mode);
}

const invalidateOptionsSchema = z.strictObject({
  cacheAlias: z.string().min(1).optional(),
  cacheInstance: z.custom<CacheInstance>((v) => typeof v === 'object' && v !== null && typeof (v as CacheInstance).delete === 'function').optional(),
  backendTimeoutMs: z.number().positive().finite().optional(),
});

const INVALIDATE_OPTIONS: KnownOptions = {
  owner: 'the invalidation functions',
  allowed: {
    cacheAlias: 'a non-empty string (an alias registered with caches.set())',
    cacheInstance: 'a backend (an object with get, set and delete methods)',
    backendTimeoutMs: 'a positive finite number of milliseconds',
  },
};

function target(api: string, options: InvalidateOptions): { backend: CacheInstance; settings: CallSettings } {
  const checked = invalidateOptionsSchema.safeParse(options);
  if (!checked.success) throw optionError(`${api}()`, checked.error.issues[0], options, INVALIDATE_OPTIONS);
  if (options.cacheAlias !== undefined && options.cacheInstance !== undefined) {
    throw new CacheConfigError(`${api}(): options "cacheAlias" and "cacheInstance" cannot be used together`, { option: 'cacheAlias' });
  }
  const backend = resolveBackend(options.cacheInstance, options.cacheAlias, `${api}()`)();
  const settings: CallSettings = { label: `${api}()`, backendTimeoutMs: options.backendTimeoutMs, strict: true, onError: undefined, onEvent: undefined };
  return { backend, settings };
}

function badText(api: string, what: string, received: unknown): CacheConfigError {
  const expected = what === 'tags' ? 'a non-empty string or a non-empty list of them' : 'a non-empty string';
  return new CacheConfigError(`${api}(): ${what} must be ${expected}; received ${describeValue(received)}`, { option: what, received });
}
