/**
 * The `nearCache` option of `RedisCache` and `MemcachedCache`, validated into a frozen object.
 * Checked by hand rather than inside the backend's zod schema, so that an error names the nested
 * option (`nearCache.ttlMs`) and says what it allows.
 */
import { CacheConfigError } from '../../errors';
import { describeValue } from '../../shared/describe-value';

/** `nearCache` of `RedisCache`: a memory tier kept coherent by Redis client tracking. */
export interface RedisNearCacheOptions {
  /**
   * How many entries (values and tag versions) the near cache holds; one more evicts one, chosen
   * as `MemoryCache` does (CLOCK, close to least recently used).
   * @default 10000
   */
  maxEntries?: number;
  /**
   * Hand out a copy of each value, as a read from Redis would (`MemoryCache`'s `copy`). `false`
   * hands out the same object on every near hit: faster, but callers must not mutate it.
   * @default true
   */
  copy?: boolean;
}

/** `nearCache` of `MemcachedCache`: Memcached cannot push changes, so entries are held for at most `ttlMs`. */
export interface MemcachedNearCacheOptions extends RedisNearCacheOptions {
  /**
   * The most milliseconds an entry or a tag version is served from this process's memory: another
   * process's write or invalidation reaches this process within `ttlMs`. Required.
   * @example new MemcachedCache(servers, { nearCache: { ttlMs: 500 } })
   */
  ttlMs: number;
}

/** Near cache options with defaults applied; `ttlMs` is `undefined` for Redis (no bound needed). */
export interface ResolvedNearCacheOptions {
  readonly maxEntries: number;
  readonly copy: boolean;
  readonly ttlMs: number | undefined;
}

/** The defaults of the near cache options. */
export const NEAR_CACHE_DEFAULTS = Object.freeze({ maxEntries: 10_000, copy: true });

const ALLOWED: Readonly<Record<string, string>> = {
  maxEntries: 'a positive integer',
  copy: 'a boolean',
  ttlMs: 'a positive finite number of milliseconds',
};

/**
 * Validates `nearCache` of `owner`; `undefined` stays `undefined` (no near cache). `ttlMs` is
 * required, and allowed, only where `withTtl` is set (Memcached).
 * @throws CacheConfigError naming the nested option (`nearCache.maxEntries`).
 */
export function resolveNearCacheOptions(owner: string, value: unknown, withTtl: boolean): ResolvedNearCacheOptions | undefined {
  if (value === undefined) return undefined;
  const known = withTtl ? ['maxEntries', 'copy', 'ttlMs'] : ['maxEntries', 'copy'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const shape = withTtl ? '{ ttlMs, maxEntries?, copy? }' : '{ maxEntries?, copy? }';
    throw new CacheConfigError(`${owner}: option "nearCache" must be an object ${shape}; received ${describeValue(value)}`, { option: 'nearCache', received: value });
  }
  const record = value as Record<string, unknown>;
  const stranger = Object.keys(record).find((name) => !known.includes(name));
  if (stranger !== undefined) {
    throw new CacheConfigError(`${owner}: option "nearCache.${stranger}" is not an option of the near cache; known options are ${known.join(', ')}`, {
      option: `nearCache.${stranger}`,
      received: record[stranger],
    });
  }
  const { maxEntries, copy, ttlMs } = record;
  if (maxEntries !== undefined && !(Number.isInteger(maxEntries) && (maxEntries as number) > 0)) throw invalid(owner, 'maxEntries', maxEntries);
  if (copy !== undefined && typeof copy !== 'boolean') throw invalid(owner, 'copy', copy);
  const ttlGood = typeof ttlMs === 'number' && Number.isFinite(ttlMs) && ttlMs > 0;
  if (withTtl && !ttlGood) throw invalid(owner, 'ttlMs', ttlMs, ttlMs === undefined ? ' (required: Memcached cannot tell other processes of a change, so the near cache must forget)' : '');
  return Object.freeze({
    maxEntries: (maxEntries as number | undefined) ?? NEAR_CACHE_DEFAULTS.maxEntries,
    copy: (copy as boolean | undefined) ?? NEAR_CACHE_DEFAULTS.copy,
    ttlMs: withTtl ? (ttlMs as number) : undefined,
  });
}

function invalid(owner: string, name: string, received: unknown, why = ''): CacheConfigError {
  return new CacheConfigError(`${owner}: option "nearCache.${name}" must be ${ALLOWED[name] ?? '?'}${why}; received ${describeValue(received)}`, {
    option: `nearCache.${name}`,
    received,
  });
}
