import { hashedKey, isMarked, type HashedKeyScheme } from '../shared/hashed-key';

/** Memcached's limit on a key, in bytes. */
export const MEMCACHED_MAX_KEY_BYTES = 250;

/**
 * First character of every hashed key. A caller's key that starts with it is hashed too, so a
 * key sent as it is can never equal a hashed one.
 */
export const MEMCACHED_HASHED_KEY_MARKER = '#';

/** The former name of `MEMCACHED_HASHED_KEY_MARKER`, exported by `easy-cache/memcached`. */
export const HASHED_KEY_MARKER = MEMCACHED_HASHED_KEY_MARKER;

/** Most characters of the caller's key kept readable in front of the hash. */
const READABLE_HEAD_CHARS = 160;

/**
 * Keys sent as they are: printable ASCII without `$`. Anything else (space, control characters,
 * DEL, non-ASCII, lone surrogates) is hashed. `$` is refused because the `memcached` client puts
 * each key back into its command with `String.prototype.replace`, where `$'`, `$&` and `` $` ``
 * are replacement patterns that splice other parts of the command into it.
 */
const SENDABLE = /^[\x21-\x23\x25-\x7e]+$/;

/** Characters of a hashed key's readable head that are replaced by `_`. */
const UNSENDABLE_CHAR = /[^\x21-\x23\x25-\x7e]/g;

/** `#` + readable head + `#` + base64url SHA-256 of the key's UTF-16 code units. */
const MEMCACHED_HASHED_KEYS: HashedKeyScheme = {
  marker: MEMCACHED_HASHED_KEY_MARKER,
  encoding: 'base64url',
  readableHead: (key) => key.slice(0, READABLE_HEAD_CHARS).replace(UNSENDABLE_CHAR, '_'),
};

/**
 * The key memcached stores for `key`: `key` itself when the text protocol can carry it unchanged,
 * otherwise `#` + a readable head + `#` + the SHA-256 of the key. The result is printable ASCII of
 * at most 250 bytes, so no caller's text reaches the protocol as anything but one key, and two
 * different keys give two different results.
 *
 * @example
 * toSafeKey('user:42');       // 'user:42'
 * toSafeKey('user name');     // '#user_name#Zk2...' (43 base64url characters of SHA-256)
 */
export function toSafeKey(key: string): string {
  // ASCII only passes, so length in characters is length in bytes here.
  if (key.length <= MEMCACHED_MAX_KEY_BYTES && SENDABLE.test(key) && !isSpecialKey(key)) {
    return key;
  }
  return hashedKey(key, MEMCACHED_HASHED_KEYS);
}

/** Whether `key` must be hashed even though every character of it could be sent. */
function isSpecialKey(key: string): boolean {
  // The client collects getMulti answers into a plain object, where `__proto__` is not a key.
  return isMarked(key, MEMCACHED_HASHED_KEYS) || key === '__proto__';
}
