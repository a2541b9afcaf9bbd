/**
 * The options of `RedisCache`, validated once by the constructor into a frozen object.
 */
import { z } from 'zod';
import { CacheConfigError } from '../../errors';
import { describeValue } from '../../shared/describe-value';
import type { Serializer } from '../../serializer/serializer';
import { taggedJson } from '../../serializer/tagged-json';
import { isWellFormed } from './redis-keys';

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
}

/** `RedisCacheOptions` with defaults applied. */
export interface ResolvedRedisCacheOptions {
  readonly prefix: string | undefined;
  readonly serializer: Serializer;
  readonly defaultTimeout: number | null;
  readonly backendTimeoutMs: number;
}

/** The default bound on one backend call, in milliseconds. */
export const DEFAULT_BACKEND_TIMEOUT_MS = 250;

const isSerializer = (value: unknown): value is Serializer =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Serializer).encode === 'function' &&
  typeof (value as Serializer).decode === 'function';

const positiveFinite = z.number().refine((n) => Number.isFinite(n) && n > 0);

const schema = z.strictObject({
  prefix: z
    .string()
    .refine((text) => text.length > 0 && isWellFormed(text), {
      message: 'a non-empty, well-formed string',
    })
    .optional(),
  serializer: z.custom<Serializer>(isSerializer, { message: 'an object with encode(value) and decode(text) methods' }).optional(),
  defaultTimeout: positiveFinite.nullable().optional(),
  backendTimeoutMs: positiveFinite.optional(),
});

/** What each option allows, for error messages (zod's own messages speak of types, not of options). */
const ALLOWED: Record<keyof RedisCacheOptions, string> = {
  prefix: 'a non-empty, well-formed string',
  serializer: 'an object with encode(value) and decode(text) methods',
  defaultTimeout: 'a positive finite number of seconds or null',
  backendTimeoutMs: 'a positive finite number of milliseconds',
};

/** Validates `options` and applies defaults; a bad option is a `CacheConfigError` naming it. */
export function resolveRedisCacheOptions(options: unknown): ResolvedRedisCacheOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CacheConfigError(`RedisCache: options must be an object; received ${describeValue(options)}`, {
      received: options,
    });
  }
  const record = options as Record<string, unknown>;
  const result = schema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      const option = issue.keys[0] ?? '?';
      throw new CacheConfigError(
        `RedisCache: "${option}" is not an option of RedisCache; known options are ${Object.keys(ALLOWED).join(', ')}`,
        { option, received: record[option] },
      );
    }
    const option = String(issue?.path[0] ?? '?');
    const allowed = ALLOWED[option as keyof RedisCacheOptions] ?? issue?.message ?? 'valid';
    throw new CacheConfigError(
      `RedisCache: option "${option}" must be ${allowed}; received ${describeValue(record[option])}`,
      { option, received: record[option] },
    );
  }
  const parsed = result.data;
  return Object.freeze({
    prefix: parsed.prefix,
    serializer: parsed.serializer ?? taggedJson,
    defaultTimeout: parsed.defaultTimeout ?? null,
    backendTimeoutMs: parsed.backendTimeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS,
  });
}
