/**
 * The options of `RedisCache`, validated once by the constructor into a frozen object.
 */
import { z } from 'zod';
import { DEFAULT_BACKEND_TIMEOUT_MS } from '../../shared/default-bound';
import { MAX_PENDING_CALLS } from '../shared/pending-limit';
import { BREAKER_ALLOWED, isBreakerOption, resolveBreaker, type BreakerOption } from '../shared/breaker-option';
import { DECODE_MEMO_ALLOWED, isDecodeMemoOption, resolveDecodeMemo, type DecodeMemoOption } from '../shared/decode-memo-option';
import type { DecodeMemoSettings } from '../shared/decode-memo';
import type { BreakerSettings } from '../backend';
import { notAnObject, optionError, type KnownOptions } from '../../shared/option-error';
import { SERIALIZER_SHAPE, isSerializer, type Serializer } from '../../serializer/serializer';
import { taggedJson } from '../../serializer/tagged-json';
import { isWellFormed } from './redis-keys';
import { resolveNearCacheOptions, type RedisNearCacheOptions, type ResolvedNearCacheOptions } from '../near/near-options';

/**
 * Most calls that may wait for Redis at once; more are refused at once with a `BackendError`.
 * A frozen server, or a client without `commandTimeout`, would otherwise let commands pile up in
 * ioredis's queues for as long as the outage lasts.
 */
export const REDIS_MAX_PENDING_CALLS = MAX_PENDING_CALLS;

/** Options of `RedisCache` (the second constructor argument). */
export interface RedisCacheOptions {
  /**
   * Namespaces every key this backend stores as `prefix:key`, tag keys included. Required for
   * `clear()`, which removes the keys under the prefix and nothing else.
   * @default undefined (keys are stored as they are)
   * @example new RedisCache(redis, { prefix: 'shop' }) // key "user:1" is stored as "shop:user:1"
   */
  prefix?: string;
  /**
   * Turns values into text and back.
   * @default taggedJson
   */
  serializer?: Serializer;
  /**
   * Expiry in seconds for writes that do not give one (`timeout` `undefined`); `null` never expires.
   * @default null
   * @example new RedisCache(redis, { defaultTimeout: 3600 })
   */
  defaultTimeout?: number | null;
  /**
   * The bound, in milliseconds, that the core puts on each call to this backend (a function's own
   * `backendTimeoutMs` wins). A client built by `RedisCache` also gets a `commandTimeout` of twice
   * this (at least 1000 ms), so that no command waits forever on a frozen server.
   * @default 250
   */
  backendTimeoutMs?: number;
  /**
   * The largest value, in bytes of its encoded form (the text sent to Redis), that this backend
   * writes: a larger one is not sent, and the core reports it once per cached function with its
   * size (`ValueTooLargeError`, code `E_CACHE_TOO_LARGE`) and returns it uncached. Redis itself
   * takes up to 512 MB, but a value of megabytes may not be written within `backendTimeoutMs`.
   * @default undefined (no limit)
   * @example new RedisCache(redis, { maxValueBytes: 1024 * 1024 })
   */
  maxValueBytes?: number;
  /**
   * Keeps the values and tag versions this backend reads or writes in this process's memory too,
   * so that a hit, tagged or not, sends nothing to Redis. Redis keeps it coherent: client tracking
   * (broadcast mode, over the prefix) pushes every change of a key to this process, on two
   * connections the backend opens for it (duplicated from the client). While they are down the
   * near cache is cleared and bypassed. See docs/near-cache.md.
   * @default undefined (no near cache)
   * @example new RedisCache(redis, { prefix: 'shop', nearCache: { maxEntries: 50_000 } })
   */
  nearCache?: RedisNearCacheOptions;
  /**
   * The circuit breaker the core keeps for this backend (SPEC 11.5): after `failures` failed or
   * timed-out calls in a row it opens for `openMs` ms, during which reads miss, writes are skipped
   * and invalidations reject with `BackendError` code `BREAKER_OPEN`, all at once; then one probe
   * call is let through, and its success closes it. `false`: every call waits for its bound.
   * @default { failures: 3, openMs: 2000 }
   * @example new RedisCache(redis, { breaker: { failures: 5, openMs: 10_000 } })
   */
  breaker?: BreakerOption;
  /**
   * Remembers the last text read under each key and, once the same text came back twice, a copy of
   * its decoded value: a key read again unchanged is then copied from it (a tenth of the cost of
   * parsing it again, made while the server answers) instead of decoded. Each caller still gets a
   * value of its own. Only with the default serializer, and not used with `nearCache` (which holds
   * decoded values already).
   * `false`: every read is decoded. See docs/backends/redis.md.
   * @default { maxEntries: 1000, maxChars: 1000000 }
   * @example new RedisCache(redis, { decodeMemo: { maxEntries: 10_000 } })
   */
  decodeMemo?: DecodeMemoOption;
}

/** `RedisCacheOptions` with defaults applied. */
export interface ResolvedRedisCacheOptions {
  readonly prefix: string | undefined;
  readonly serializer: Serializer;
  readonly defaultTimeout: number | null;
  readonly backendTimeoutMs: number;
  readonly maxValueBytes: number | undefined;
  readonly nearCache: ResolvedNearCacheOptions | undefined;
  readonly breaker: BreakerSettings | false;
  readonly decodeMemo: DecodeMemoSettings | false;
}

const positiveFinite = z.number().refine((n) => Number.isFinite(n) && n > 0);

const schema = z.strictObject({
  prefix: z
    .string()
    .refine((text) => text.length > 0 && isWellFormed(text))
    .optional(),
  serializer: z.custom<Serializer>(isSerializer).optional(),
  defaultTimeout: positiveFinite.nullable().optional(),
  backendTimeoutMs: positiveFinite.optional(),
  maxValueBytes: z.number().int().positive().optional(),
  nearCache: z.unknown().optional(),
  breaker: z.custom<BreakerOption>(isBreakerOption).optional(),
  decodeMemo: z.custom<DecodeMemoOption>(isDecodeMemoOption).optional(),
});

/** What each option allows, for error messages (zod's own messages speak of types, not of options). */
const REDIS_OPTIONS: KnownOptions = {
  owner: 'RedisCache',
  allowed: {
    prefix: 'a non-empty, well-formed string',
    serializer: SERIALIZER_SHAPE,
    defaultTimeout: 'a positive finite number of seconds or null',
    backendTimeoutMs: 'a positive finite number of milliseconds',
    maxValueBytes: 'a positive integer number of bytes',
    nearCache: 'an object { maxEntries?, copy? }',
    breaker: BREAKER_ALLOWED,
    decodeMemo: DECODE_MEMO_ALLOWED,
  } satisfies Record<keyof RedisCacheOptions, string>,
};

/** Validates `options` and applies defaults; a bad option is a `CacheConfigError` naming it. */
export function resolveRedisCacheOptions(options: unknown): ResolvedRedisCacheOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw notAnObject('RedisCache', options);
  const result = schema.safeParse(options);
  if (!result.success) throw optionError('RedisCache', result.error.issues[0], options, REDIS_OPTIONS);
  const parsed = result.data;
  return Object.freeze({
    prefix: parsed.prefix,
    serializer: parsed.serializer ?? taggedJson,
    defaultTimeout: parsed.defaultTimeout ?? null,
    backendTimeoutMs: parsed.backendTimeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS,
    maxValueBytes: parsed.maxValueBytes,
    nearCache: resolveNearCacheOptions('RedisCache', parsed.nearCache, false),
    breaker: resolveBreaker(parsed.breaker),
    // With a near cache, the remote backend reads only what the near cache misses.
    decodeMemo: parsed.nearCache === undefined ? resolveDecodeMemo(parsed.decodeMemo) : false,
  });
}
