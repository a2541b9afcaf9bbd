/**
 * The stored form of a cached value: `[ENTRY_MARK, value]`, or `[ENTRY_MARK, value, versions]`
 * where `versions` maps each tag key to the version read before the value was computed. The mark
 * keeps a user value shaped like an entry from ever being taken for one.
 */
export const ENTRY_MARK = 'easy-cache:1';

export type TagVersions = Readonly<Record<string, string>>;
export type Entry = readonly [typeof ENTRY_MARK, unknown] | readonly [typeof ENTRY_MARK, unknown, TagVersions];

/** Wraps a value (and its tag versions, when it has tags) for storage. */
export function makeEntry(value: unknown, versions: TagVersions | undefined): Entry {
  return versions ? [ENTRY_MARK, value, versions] : [ENTRY_MARK, value];
}

/** Whether stored data is an entry this library wrote; anything else is a miss. */
export function isEntry(data: unknown): data is Entry {
  if (!Array.isArray(data) || data[0] !== ENTRY_MARK) return false;
  if (data.length === 2) return true;
  return data.length === 3 && isVersionRecord(data[2]);
}

function isVersionRecord(value: unknown): value is TagVersions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
  for (const key in value) {
    if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}
