/**
 * The Redis key under which a cache key is stored: `prefix:key`, with keys that ioredis cannot
 * send faithfully replaced by a hash, and the SCAN pattern that matches every key of a prefix.
 */
import { CacheConfigError } from '../../errors';
import { hashedKey, isMarked, type HashedKeyScheme } from '../shared/hashed-key';

/**
 * Starts every replaced key. A key that is sent as it is never starts with it, because such keys
 * are replaced too; so a replaced key cannot be mistaken for a key a caller wrote.
 */
export const REDIS_HASHED_KEY_MARKER = '#u16:';

/** Marker, then the hex SHA-256 of the key's UTF-16 code units. */
const REDIS_HASHED_KEYS: HashedKeyScheme = { marker: REDIS_HASHED_KEY_MARKER, encoding: 'hex' };

/** A string with ES2024's `isWellFormed` (Node 20 and later; the project's `lib` is ES2022). */
type WellFormedCheckable = string & { isWellFormed(): boolean };

/**
 * Whether `text` is well-formed UTF-16 (no lone surrogate), so that its UTF-8 bytes decode back
 * to the same string. Native: every key is checked on every call, and the regular expression
 * this replaced cost a Redis hit a third of a microsecond.
 */
export function isWellFormed(text: string): boolean {
  return (text as WellFormedCheckable).isWellFormed();
}

/**
 * The part of a stored key that names the cache key. ioredis writes a lone surrogate as U+FFFD,
 * so `'a\uD800'` and `'a\uFFFD'` would share an entry; such keys (and, to stay one-to-one, keys
 * that already start with the marker) become the marker followed by the SHA-256 of their UTF-16
 * code units.
 */
export function safeKey(key: string): string {
  if (isWellFormed(key) && !isMarked(key, REDIS_HASHED_KEYS)) return key;
  return hashedKey(key, REDIS_HASHED_KEYS);
}

/** Builds stored keys for one prefix (or none). */
export function keyBuilder(prefix: string | undefined): (key: string) => string {
  if (prefix === undefined) return safeKey;
  const head = `${prefix}:`;
  return (key) => head + safeKey(key);
}

/**
 * The SCAN MATCH pattern for every key stored under `prefix`, with glob characters escaped.
 * @throws CacheConfigError without a prefix: `clear()` cannot tell its keys from other data then.
 */
export function prefixPattern(prefix: string | undefined): string {
  if (prefix === undefined) {
    throw new CacheConfigError(
      'RedisCache.clear() needs a prefix: without one it cannot tell its keys from other data in the database, and it never runs FLUSHDB; create the backend with { prefix }',
      { option: 'prefix', received: undefined },
    );
  }
  return `${prefix.replace(/[\\*?[\]]/g, '\\$&')}:*`;
}
