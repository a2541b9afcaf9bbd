import { createHash } from 'node:crypto';

/** How a backend writes the keys it cannot send as they are. Stored formats: changing one orphans stored data. */
export interface HashedKeyScheme {
  /**
   * Starts every hashed key. A caller's key that already starts with it is hashed too (see
   * `isMarked`), so a key sent as it is can never equal a hashed one.
   */
  readonly marker: string;
  /** How the SHA-256 digest is written. */
  readonly encoding: 'hex' | 'base64url';
  /** A readable part put between the marker and a second marker before the digest, if any. */
  readonly readableHead?: (key: string) => string;
}

/**
 * The stored form of a key that must not be sent as it is: the marker, the optional readable
 * head and marker, then the SHA-256 of the key's UTF-16 code units.
 * @example hashedKey('a\uD800', { marker: '#u16:', encoding: 'hex' }) // '#u16:' + 64 hex digits
 */
export function hashedKey(key: string, scheme: HashedKeyScheme): string {
  // UTF-16LE keeps every code unit, so lone surrogates hash apart from U+FFFD (UTF-8 would merge them).
  const digest = createHash('sha256').update(Buffer.from(key, 'utf16le')).digest(scheme.encoding);
  const { marker, readableHead } = scheme;
  return readableHead === undefined ? marker + digest : `${marker}${readableHead(key)}${marker}${digest}`;
}

/** Whether `key` starts with the scheme's marker, and so must be hashed to stay apart from hashed keys. */
export function isMarked(key: string, scheme: HashedKeyScheme): boolean {
  return key.startsWith(scheme.marker);
}
