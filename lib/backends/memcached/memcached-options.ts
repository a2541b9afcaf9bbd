import { z } from 'zod';
import { CacheConfigError } from '../../errors';
import { DEFAULT_BACKEND_TIMEOUT_MS } from '../../shared/default-bound';
import { describeValue } from '../../shared/describe-value';
import { BREAKER_ALLOWED, isBreakerOption, resolveBreaker, type BreakerOption } from '../shared/breaker-option';
import { DECODE_MEMO_ALLOWED, isDecodeMemoOption, resolveDecodeMemo, type DecodeMemoOption } from '../shared/decode-memo-option';
import type { DecodeMemoSettings } from '../shared/decode-memo';
import type { BreakerSettings } from '../backend';
import { optionError, type KnownOptions } from '../../shared/option-error';
import { SERIALIZER_SHAPE, isSerializer, type Serializer } from '../../serializer/serializer';
import { taggedJson } from '../../serializer/tagged-json';
import type { MemcachedClient } from './memcached-client';
import { resolveNearCacheOptions, type MemcachedNearCacheOptions, type ResolvedNearCacheOptions } from '../near/near-options';

/** Options of `new MemcachedCache(servers, options)`. */
export interface MemcachedCacheOptions {
  /**
   * Namespaces every key this backend stores, tag keys included, as `prefix:key`. Applied by
   * easy-cache, not by the client's `namespace` option.
   * @default undefined (no prefix)
   * @example { prefix: 'shop' } // key 'user:1' is stored as 'shop:user:1'
   */
  prefix?: string;
  /**
   * Turns values into text and back.
   * @default taggedJson
   */
  serializer?: Serializer;
  /**
   * Expiry in seconds for calls that give none; `null` keeps entries until memcached evicts them.
   * @default null
   * @example { defaultTimeout: 3600 }
   */
  defaultTimeout?: number | null;
  /**
   * The bound, in milliseconds, that easy-cache puts on each call to this backend (a function's
   * own `backendTimeoutMs` wins). Calls the client has not answered after
   * `max(1000, 4 × backendTimeoutMs)` are given up and their connection is dropped.
   * @default 250
   */
  backendTimeoutMs?: number;
  /**
   * The server's item size (memcached's `-I`), in bytes: an item holds the key, the value and
   * about 60 bytes of memcached's own. A value too large for it is not sent; the core reports it
   * once per cached function with its size (`ValueTooLargeError`, code `E_CACHE_TOO_LARGE`) and
   * returns it uncached. A client built from addresses also gets it as its `maxValue`.
   * @default 1048576 (1 MiB, memcached's default)
   * @example new MemcachedCache('127.0.0.1:11211', { maxItemBytes: 4 * 1024 * 1024 }) // memcached -I 4m
   */
  maxItemBytes?: number;
  /**
   * Keeps the values and tag versions this backend reads or writes in this process's memory for
   * at most `ttlMs` milliseconds, so that a hit, tagged or not, sends nothing to Memcached.
   * Memcached cannot tell other processes of a change: their writes and invalidations reach this
   * process within `ttlMs` (its own at once). See docs/near-cache.md.
   * @default undefined (no near cache)
   * @example new MemcachedCache(servers, { nearCache: { ttlMs: 500, maxEntries: 50_000 } })
   */
  nearCache?: MemcachedNearCacheOptions;
  /**
   * The circuit breaker the core keeps for this backend (SPEC 11.5): after `failures` failed or
   * timed-out calls in a row it opens for `openMs` ms, during which reads miss, writes are skipped
   * and invalidations reject with `BackendError` code `BREAKER_OPEN`, all at once; then one probe
   * call is let through, and its success closes it. `false`: every call waits for its bound.
   * @default { failures: 3, openMs: 2000 }
   * @example new MemcachedCache(servers, { breaker: { failures: 5, openMs: 10_000 } })
   */
  breaker?: BreakerOption;
  /**
   * Remembers the last text read under each key and, once the same text came back twice, a copy of
   * its decoded value: a key read again unchanged is then copied from it (a tenth of the cost of
   * parsing it again, made while the server answers) instead of decoded. Each caller still gets a
   * value of its own. Only with the default serializer, and not used with `nearCache` (which holds
   * decoded values already).
   * `false`: every read is decoded. See docs/backends/memcached.md.
   * @default { maxEntries: 1000, maxChars: 1000000 }
   * @example new MemcachedCache(servers, { decodeMemo: { maxEntries: 10_000 } })
   */
  decodeMemo?: DecodeMemoOption;
}

/** `MemcachedCacheOptions` after validation, with defaults applied. */
export interface ResolvedMemcachedOptions {
  readonly prefix: string | undefined;
  readonly serializer: Serializer;
  readonly defaultTimeout: number | null;
  readonly backendTimeoutMs: number;
  readonly maxItemBytes: number;
  readonly nearCache: ResolvedNearCacheOptions | undefined;
  readonly breaker: BreakerSettings | false;
  readonly decodeMemo: DecodeMemoSettings | false;
}

/** A `memcached` client, a `'host:port'` address, or a list of addresses (keys spread by consistent hashing). */
export type MemcachedServers = MemcachedClient | string | readonly string[];

/** What `servers` resolved to: a client given by the caller, or addresses to build one from. */
export type ResolvedServers = { readonly client: MemcachedClient } | { readonly addresses: readonly string[] };

/** Defaults of `MemcachedCacheOptions`. */
export const MEMCACHED_DEFAULTS = Object.freeze({
  /** Entries never expire unless a timeout says so (memcached evicts the least recently used). */
  defaultTimeout: null,
  /** The bound on one call, in milliseconds. */
  backendTimeoutMs: DEFAULT_BACKEND_TIMEOUT_MS,
  /** memcached's default item size (`-I 1m`). */
  maxItemBytes: 1024 * 1024,
});

/** What each option allows, for error messages. */
const MEMCACHED_OPTIONS: KnownOptions = {
  owner: 'MemcachedCache',
  allowed: {
    prefix: 'a non-empty string',
    serializer: SERIALIZER_SHAPE,
    defaultTimeout: 'a positive finite number of seconds or null',
    backendTimeoutMs: 'a positive finite number of milliseconds',
    maxItemBytes: "an integer number of bytes of at least 1024 (memcached's -I)",
    nearCache: 'an object { ttlMs, maxEntries?, copy? }',
    breaker: BREAKER_ALLOWED,
    decodeMemo: DECODE_MEMO_ALLOWED,
  } satisfies Record<keyof MemcachedCacheOptions, string>,
};

const optionsSchema = z.strictObject({
  prefix: z.string().min(1).optional(),
  serializer: z.custom<Serializer>(isSerializer).optional(),
  defaultTimeout: z.number().positive().finite().nullable().optional(),
  backendTimeoutMs: z.number().positive().finite().optional(),
  maxItemBytes: z.number().int().min(1024).optional(),
  nearCache: z.unknown().optional(),
  breaker: z.custom<BreakerOption>(isBreakerOption).optional(),
  decodeMemo: z.custom<DecodeMemoOption>(isDecodeMemoOption).optional(),
});

/** Validates `options`; a bad one is a `CacheConfigError` naming the option and what is allowed. */
export function resolveMemcachedOptions(options: unknown): ResolvedMemcachedOptions {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) throw optionError('new MemcachedCache()', parsed.error.issues[0], options, MEMCACHED_OPTIONS);
  const { prefix, serializer, defaultTimeout, backendTimeoutMs, maxItemBytes, nearCache, breaker, decodeMemo } = parsed.data;
  return Object.freeze({
    prefix,
    serializer: serializer ?? taggedJson,
    defaultTimeout: defaultTimeout === undefined ? MEMCACHED_DEFAULTS.defaultTimeout : defaultTimeout,
    backendTimeoutMs: backendTimeoutMs ?? MEMCACHED_DEFAULTS.backendTimeoutMs,
    maxItemBytes: maxItemBytes ?? MEMCACHED_DEFAULTS.maxItemBytes,
    nearCache: resolveNearCacheOptions('MemcachedCache', nearCache, true),
    breaker: resolveBreaker(breaker),
    // With a near cache, the remote backend reads only what the near cache misses.
    decodeMemo: nearCache === undefined ? resolveDecodeMemo(decodeMemo) : false,
  });
}

/**
 * Validates `servers`: a `memcached` client (anything with its get, getMulti, set, add and del
 * methods), a `'host:port'` string, or a non-empty list of distinct ones.
 */
export function resolveServers(servers: unknown): ResolvedServers {
  if (isClient(servers)) return { client: servers };
  const list: unknown[] = Array.isArray(servers) ? servers : [servers];
  const fault =
    list.length === 0
      ? 'is an empty list'
      : list.some((address) => typeof address !== 'string' || !/^[^\s,]+$/.test(address))
        ? 'holds something that is not a "host:port" string'
        : new Set(list).size !== list.length
          ? 'names a server twice'
          : undefined;
  if (fault === undefined) return { addresses: list as string[] };
  throw new CacheConfigError(
    `new MemcachedCache(servers): servers ${fault}; expected a memcached client, a "host:port" string or a list of them; received ${describeValue(servers)}`,
    { option: 'servers', received: servers },
  );
}

/** Whether `value` has the methods of a `memcached` client that `MemcachedCache` calls. */
function isClient(value: unknown): value is MemcachedClient {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const methods = value as Record<string, unknown>;
  return ['get', 'getMulti', 'set', 'add', 'del'].every((name) => typeof methods[name] === 'function');
}
