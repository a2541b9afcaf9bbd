import { z } from 'zod';
import { CacheConfigError } from '../../errors';
import { optionError, type KnownOptions } from '../../shared/option-error';
import { SERIALIZER_SHAPE, isSerializer, type Serializer } from '../../serializer/serializer';
import { taggedJson } from '../../serializer/tagged-json';

/** Options of `new MemoryCache(options)`. Unknown names are a `CacheConfigError`. */
export interface MemoryCacheOptions {
  /**
   * How many entries the cache holds; storing one more evicts one, chosen by CLOCK, an
   * approximation of least recently used (reads and overwrites count as use). Expired entries
   * are the first to go when the clock hand finds them.
   * @default 10000
   * @example new MemoryCache({ maxEntries: 50_000 })
   */
  maxEntries?: number;
  /**
   * A bound on the bytes the cache holds, next to `maxEntries`: storing past it evicts entries
   * (least recently used first, as for `maxEntries`) until the total is within it. An entry's size
   * is the UTF-8 bytes of its key and of its value's encoded form (the serializer's text, as a
   * remote backend would store it; a primitive's text), not its heap footprint. A single value
   * larger than `maxBytes` is not stored: the core reports it once per cached function
   * (`ValueTooLargeError`, code `E_CACHE_TOO_LARGE`). Needs `copy: true`: a value kept as it is
   * has no size one can measure cheaply.
   * @default undefined (no byte bound)
   * @example new MemoryCache({ maxEntries: 50_000, maxBytes: 64 * 1024 * 1024 })
   */
  maxBytes?: number;
  /**
   * Store a copy of each object and hand out a fresh copy on every read, so callers can mutate
   * what they get without changing the cache, and the memory backend returns what Redis or
   * Memcached would. With the default serializer, plain JSON data is copied as it is (sharing its
   * strings) and any other object is encoded when stored (which refuses what cannot be
   * serialized) and its decoded result kept; each read is a deep clone of what was kept. With any
   * other serializer each object is encoded when stored and each read decodes the text. `false` stores
   * references: faster, but callers must not mutate what they get, and nothing checks that a
   * value could be serialized. Primitives are immutable, so they are never copied in either mode.
   * @default true
   * @example new MemoryCache({ copy: false })
   */
  copy?: boolean;
  /**
   * Encodes and decodes the copies kept with `copy: true` (unused with `copy: false`). A
   * serializer other than `taggedJson` itself is run on every read.
   * @default taggedJson
   * @example new MemoryCache({ serializer: { encode: JSON.stringify, decode: JSON.parse } })
   */
  serializer?: Serializer;
  /**
   * Seconds an entry lives when `set` is given no timeout (`undefined`); `null` never expires.
   * Fractions of a second are kept (in milliseconds).
   * @default null
   * @example new MemoryCache({ defaultTimeout: 300 })
   */
  defaultTimeout?: number | null;
  /**
   * The bound in milliseconds on one call to this backend; a function's own `backendTimeoutMs`
   * wins. Unset, the library's default applies.
   * @default undefined
   * @example new MemoryCache({ backendTimeoutMs: 50 })
   */
  backendTimeoutMs?: number;
  /**
   * The clock, in milliseconds like `Date.now`. Meant for tests that move time by hand; the cache
   * starts no timers either way.
   * @default Date.now
   * @example let t = 0; const cache = new MemoryCache({ now: () => t });
   */
  now?: () => number;
}

/** `MemoryCacheOptions` with every default applied. */
export interface ResolvedMemoryCacheOptions {
  readonly maxEntries: number;
  readonly maxBytes: number | undefined;
  readonly copy: boolean;
  readonly serializer: Serializer;
  readonly defaultTimeout: number | null;
  readonly backendTimeoutMs: number | undefined;
  readonly now: () => number;
}

/** The defaults of `MemoryCacheOptions`. */
export const MEMORY_CACHE_DEFAULTS = Object.freeze({
  maxEntries: 10_000,
  copy: true,
  defaultTimeout: null,
});

const isFunction = (value: unknown): boolean => typeof value === 'function';

const schema = z.strictObject({
  maxEntries: z.number().int().positive().optional(),
  maxBytes: z.number().int().positive().optional(),
  copy: z.boolean().optional(),
  serializer: z.custom<Serializer>(isSerializer).optional(),
  defaultTimeout: z.number().positive().finite().nullable().optional(),
  backendTimeoutMs: z.number().positive().finite().optional(),
  now: z.custom<() => number>(isFunction).optional(),
});

/** What each option accepts, for error messages. */
const MEMORY_OPTIONS: KnownOptions = {
  owner: 'MemoryCache',
  allowed: {
    maxEntries: 'a positive integer',
    copy: 'a boolean',
    serializer: SERIALIZER_SHAPE,
    defaultTimeout: 'a positive finite number of seconds or null',
    backendTimeoutMs: 'a positive finite number of milliseconds',
    now: 'a function returning milliseconds',
    maxBytes: 'a positive integer number of bytes',
  } satisfies Record<keyof MemoryCacheOptions, string>,
};

/** Validates `options` and applies the defaults; throws `CacheConfigError` naming the bad option. */
export function resolveMemoryCacheOptions(options: unknown): ResolvedMemoryCacheOptions {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) throw optionError('new MemoryCache(options)', parsed.error.issues[0], options, MEMORY_OPTIONS);
  const o = parsed.data;
  if (o.maxBytes !== undefined && o.copy === false) {
    throw new CacheConfigError(
      'new MemoryCache(options): option "maxBytes" needs copies (copy: true, the default): a value kept as it is (copy: false) has no size one can measure cheaply',
      { option: 'maxBytes', received: o.maxBytes },
    );
  }
  return Object.freeze({
    maxEntries: o.maxEntries ?? MEMORY_CACHE_DEFAULTS.maxEntries,
    maxBytes: o.maxBytes,
    copy: o.copy ?? MEMORY_CACHE_DEFAULTS.copy,
    serializer: o.serializer ?? taggedJson,
    defaultTimeout: o.defaultTimeout === undefined ? MEMORY_CACHE_DEFAULTS.defaultTimeout : o.defaultTimeout,
    backendTimeoutMs: o.backendTimeoutMs,
    now: o.now ?? Date.now,
  });
}
