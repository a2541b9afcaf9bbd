/**
 * The stored form of a cached value: `{ m: ENTRY_MARK, v: value }`, plus, when they apply:
 * - `t`: the versions of its tags (hard and soft), as read before the value was computed;
 * - `f`: when it stops being fresh (ms since the epoch, the writer's clock), for a function with `grace`;
 * - `g`: when it is gone (`f` + grace), after which it is never served, even as a fallback;
 * - `r`: when a hit starts an eager refresh (`eagerRefresh`);
 * - `n`: the function's `version`, under the mark `easy-cache:4` (an easy-cache that predates
 *   versions reads such an entry as unknown data, a miss, never as a value of its own shape).
 * The mark keeps a user value shaped like an entry from ever being taken for one. An object of
 * two or three fields costs 40 to 48 bytes in memory, a two-element array 64 (it has a separate
 * backing store).
 */
import type { EntryTimes } from '../compile/lifetime-plan';

export const ENTRY_MARK = 'easy-cache:3';

/**
 * The mark of the format before stale serving: such entries have no `f`, `g` or `r` and are read
 * as they always were (fresh until the backend expires them). A process still on that format
 * reads today's entries as unknown data, a miss, and never serves a stale entry as fresh.
 */
const PREVIOUS_MARK = 'easy-cache:2';

/** The mark of an entry written under a `version`: the format of `ENTRY_MARK` plus `n`. */
export const VERSIONED_MARK = 'easy-cache:4';

export type TagVersions = Readonly<Record<string, string>>;

/** An entry this library wrote. */
export interface Entry {
  readonly m: typeof ENTRY_MARK | typeof PREVIOUS_MARK | typeof VERSIONED_MARK;
  /** The cached value. */
  readonly v: unknown;
  /** The versions of the entry's tags, when it has tags. */
  readonly t?: TagVersions;
  /** Fresh until (ms since the epoch); absent: fresh until the backend expires it. */
  readonly f?: number;
  /** Gone at (ms since the epoch); absent with `f` absent. */
  readonly g?: number;
  /** Refresh after (ms since the epoch), for `eagerRefresh`. */
  readonly r?: number;
  /** The `version` it was written under (with `VERSIONED_MARK`); absent: written without one. */
  readonly n?: string;
}

/**
 * The `f` of an entry made stale by a soft invalidation: fresh until the epoch, so stale to every
 * reader whatever its clock says. The writer's own clock would leave the entry fresh for as long as
 * a reader's clock lags behind it, and an invalidation never depends on a clock (SPEC 11.1).
 */
export const STALE_ALREADY = 0;

/** Wraps a value (and its tag versions, times and version, when it has them) for storage. */
export function makeEntry(value: unknown, versions: TagVersions | undefined, times?: EntryTimes, version?: string): Entry {
  if (version !== undefined) return { m: VERSIONED_MARK, v: value, ...(versions ? { t: versions } : {}), ...times, n: version };
  if (times === undefined) return versions ? { m: ENTRY_MARK, v: value, t: versions } : { m: ENTRY_MARK, v: value };
  return { m: ENTRY_MARK, v: value, ...(versions ? { t: versions } : {}), ...times };
}

/** Whether stored data is an entry this library wrote; anything else is a miss. */
export function isEntry(data: unknown): data is Entry {
  if (typeof data !== 'object' || data === null) return false;
  const entry = data as Entry;
  if (entry.m !== ENTRY_MARK && entry.m !== PREVIOUS_MARK && !(entry.m === VERSIONED_MARK && typeof entry.n === 'string')) return false;
  return (entry.t === undefined || isVersionRecord(entry.t)) && isTime(entry.f) && isTime(entry.g) && isTime(entry.r);
}

/** Whether `entry` needs a clock to be judged (it can go stale, or asks for an eager refresh). */
export function isTimed(entry: Entry): boolean {
  return entry.f !== undefined || entry.r !== undefined;
}

function isTime(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

function isVersionRecord(value: unknown): value is TagVersions {
  if (typeof value !== 'object' || value === null) return false;
  // An array's prototype is neither: one prototype read rules out arrays and class instances.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}
