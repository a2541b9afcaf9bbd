/**
 * The stored form of a cached value: `{ m: ENTRY_MARK, v: value }`, or, when it has tags,
 * `{ m: ENTRY_MARK, v: value, t: versions }` where `versions` maps each tag key to the version
 * read before the value was computed. The mark keeps a user value shaped like an entry from ever
 * being taken for one. An object of two or three fields costs 40 to 48 bytes in memory, a
 * two-element array 64 (it has a separate backing store).
 */
export const ENTRY_MARK = 'easy-cache:2';

export type TagVersions = Readonly<Record<string, string>>;

/** An entry this library wrote. */
export interface Entry {
  readonly m: typeof ENTRY_MARK;
  /** The cached value. */
  readonly v: unknown;
  /** The versions of the entry's tags, when it has tags. */
  readonly t?: TagVersions;
}

/** Wraps a value (and its tag versions, when it has tags) for storage. */
export function makeEntry(value: unknown, versions: TagVersions | undefined): Entry {
  return versions ? { m: ENTRY_MARK, v: value, t: versions } : { m: ENTRY_MARK, v: value };
}

/** Whether stored data is an entry this library wrote; anything else is a miss. */
export function isEntry(data: unknown): data is Entry {
  if (typeof data !== 'object' || data === null || (data as Entry).m !== ENTRY_MARK) return false;
  const versions = (data as Entry).t;
  return versions === undefined || isVersionRecord(versions);
}

function isVersionRecord(value: unknown): value is TagVersions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
  for (const key in value) {
    if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}
