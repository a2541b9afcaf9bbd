/**
 * The flight of a key: the one computation under way for it in this process (single flight),
 * from the tag versions read before the function runs to the write, and the fences that keep a
 * value computed across an invalidation from being stored.
 */
import { clockOf, type CacheInstance } from '../backends/backend';
import { setKeysChangedSink } from '../backends/shared/link-events';
import { DO_NOT_STORE } from '../compile/timeout-plan';
import { CacheConfigError, CacheKeyError, EasyCacheError } from '../errors';
import { emitEvent, isObserved } from '../observe/events';
import { makeEntry, type TagVersions } from '../tags/entry';
import { extendTags, isHardTagKey, prefetchTags, readTagVersions, tagKeysBefore, versionKeysOf, withTagsAfter, type TagRead } from '../tags/tag-protocol';
import type { Call } from './call';
import { underLock, type LockUse } from './lock';
import { checkValue, REFUSED } from './value-check';
import { inUserTerms, reportLostPrototype } from './value-shape';
import { slowLargeWrite, writeUnlessTooLarge } from './value-size';

/** A computation under way for one key, shared by the calls that miss while it runs. */
export interface Flight {
  readonly promise: Promise<unknown>;
  /** Tag keys the entry will carry, known before the call; an invalidation of one fences the flight. */
  readonly tagKeys: readonly string[];
  /** Set by an invalidation that landed while the value was computed: the value must not be stored. */
  fenced: boolean;
  /** Set by a soft invalidation of its key that landed while the value was computed: the value is stored as stale. */
  expired: boolean;
  /** The tag versions as read before the function ran (stored data, `undefined` for a missing tag); unset until read. */
  readonly seen: ReadonlyMap<string, unknown> | undefined;
  /** The versions the entry will carry (missing tags created); unset until known. */
  readonly versions: TagVersions | undefined;
}

// Owned per backend (never module-global per key space): two backends never share flights.
const flightsByBackend = new WeakMap<CacheInstance, Map<string, Flight>>();

// Flights a soft invalidation let go of while they still run: no call joins them any more, but a
// later hard invalidation must still fence them (their values are stored when they end).
const releasedByBackend = new WeakMap<CacheInstance, Map<Flight, string>>();

/** Takes `flight` out of the map (no later call joins it) and keeps it where hard invalidations still find it. */
function letGo(backend: CacheInstance, flights: Map<string, Flight>, key: string, flight: Flight): void {
  flights.delete(key);
  let released = releasedByBackend.get(backend);
  if (!released) {
    released = new Map();
    releasedByBackend.set(backend, released);
  }
  released.set(flight, key);
}

/** Fences the released flights of `backend` that `concerned` picks. */
function fenceReleased(backend: CacheInstance, concerned: (flight: Flight, key: string) => boolean): void {
  const released = releasedByBackend.get(backend);
  if (!released) return;
  for (const [flight, key] of released) if (concerned(flight, key)) flight.fenced = true;
}

// A near cache's push says a key changed in another process: its computation here is older than
// that change, so it is fenced (SPEC 11.9); a flush fences them all.
setKeysChangedSink((backend, keys) => {
  const flights = flightsByBackend.get(backend as CacheInstance);
  if (!flights) return;
  for (const key of keys ?? [...flights.keys()]) releaseKeyFlight(backend as CacheInstance, key, 'hard');
});

/** The in-flight computations of `backend`, by key. */
export function flightsOf(backend: CacheInstance): Map<string, Flight> {
  let flights = flightsByBackend.get(backend);
  if (!flights) {
    flights = new Map();
    flightsByBackend.set(backend, flights);
  }
  return flights;
}

/**
 * Lets go of the flight of `key`, so that later calls start afresh: a hard invalidation (or a
 * refresh) also fences it (its value is not stored); after a soft one its value is stored as
 * stale, and a later hard invalidation still fences it.
 */
export function releaseKeyFlight(backend: CacheInstance, key: string, how: 'hard' | 'soft'): void {
  if (how === 'hard') fenceReleased(backend, (_, releasedKey) => releasedKey === key);
  const flights = flightsByBackend.get(backend);
  const flight = flights?.get(key);
  if (!flights || !flight) return;
  if (how === 'hard') {
    flight.fenced = true;
    flights.delete(key);
  } else {
    flight.expired = true;
    letGo(backend, flights, key, flight);
  }
}

/**
 * Lets go of every flight whose entry would carry one of `tagKeys`, so that later calls start
 * afresh: a hard invalidation also fences them (their values are not stored); after a soft one
 * they are stored, and read as stale since they carry the old soft versions.
 */
export function releaseTagFlights(backend: CacheInstance, tagKeys: readonly string[], how: 'hard' | 'soft'): void {
  const concerned = (flight: Flight): boolean => flight.tagKeys.some((tagKey) => tagKeys.includes(tagKey));
  if (how === 'hard') fenceReleased(backend, concerned);
  const flights = flightsByBackend.get(backend);
  if (!flights || flights.size === 0) return;
  for (const [key, flight] of flights) {
    if (concerned(flight)) {
      if (how === 'hard') {
        flight.fenced = true;
        flights.delete(key);
      } else letGo(backend, flights, key, flight);
    }
  }
}

/**
 * A miss joins the computation of its key already under way, or starts one. A miss that read tag
 * versions with its entry joins only a computation that read the same versions before its
 * function ran: otherwise a tag was invalidated in between, perhaps by another process, and the
 * running computation's value is older than the call. The call then computes afresh and the
 * older value is not stored.
 */
export function joinOrStart(call: Call, tagKeys: readonly string[] | undefined, prefetched: TagRead | undefined, lockUse?: LockUse): Promise<unknown> {
  const running = flightsOf(call.backend).get(call.key);
  if (running) {
    if (prefetched === undefined || readTheSame(running, prefetched)) return running.promise;
    running.fenced = true;
  }
  return startFlight(call, tagKeys ?? tagKeysBefore(call.plan, call), prefetched, lockUse);
}

/** Whether `read` found every tag version of `flight` as the flight found it, or as it created it, before its function ran. */
function readTheSame(flight: Flight, read: TagRead): boolean {
  const { seen, versions } = flight;
  if (seen === undefined) return false;
  return versionKeysOf(flight.tagKeys).every((key) => {
    const found = read.found.get(key);
    return read.keys.includes(key) && (found === seen.get(key) || (versions !== undefined && found === versions[key]));
  });
}

/**
 * Runs the function as the flight of the call's key: tag versions are read before the function
 * runs, the value is stored unless an invalidation fenced the flight, and the flight leaves the
 * map however it ends. Concurrent misses share `flight.promise`.
 */
export function startFlight(call: Call, tagKeys: readonly string[], prefetched?: TagRead, lockUse?: LockUse): Promise<unknown> {
  const flights = flightsOf(call.backend);
  const flight: RunningFlight = { promise: NEVER, tagKeys, fenced: false, expired: false, seen: prefetched?.found, versions: undefined };
  flights.set(call.key, flight);
  // `then` with the same clean-up on both sides rather than `finally`, which allocates two more
  // promises and a closure per flight (measured on the memory miss path).
  const landed = (): void => {
    if (flights.get(call.key) === flight) flights.delete(call.key);
    releasedByBackend.get(call.backend)?.delete(flight);
  };
  flight.promise = run(call, flight, prefetched, lockUse).then(
    (value) => {
      landed();
      return value;
    },
    (error: unknown) => {
      landed();
      throw error;
    },
  );
  return flight.promise;
}

/** A flight as its runner sees it: the promise and what it read are filled in as they become known. */
interface RunningFlight extends Flight {
  promise: Promise<unknown>;
  seen: ReadonlyMap<string, unknown> | undefined;
  versions: TagVersions | undefined;
}

// A placeholder until the real promise is assigned a few lines later, synchronously.
const NEVER: Promise<unknown> = new Promise(() => undefined);

/**
 * The flight's work: with `lock`, on a remote backend that answered so far, under the lock of its
 * key across processes (in process, the flight itself is the lock); else the function at once.
 */
function run(call: Call, flight: RunningFlight, prefetched: TagRead | undefined, lockUse: LockUse): Promise<unknown> {
  const { lock } = call.plan;
  if (lock === undefined || lockUse === 'bypass' || call.backend.inProcess || call.down) return computeAndStore(call, flight, prefetched);
  return underLock(call, flight.tagKeys, lock, lockUse, (session, read) => {
    // The versions read after the lock was taken are the ones the value is computed from.
    if (read) flight.seen = read.found;
    return computeAndStore(session, flight, read);
  });
}

async function computeAndStore(call: Call, flight: RunningFlight, prefetched: TagRead | undefined): Promise<unknown> {
  const tagged = flight.tagKeys.length > 0;
  const read = tagged ? (prefetched ?? (await prefetchTags(call, flight.tagKeys))) : undefined;
  flight.seen ??= read?.found;
  const versions = read ? await readTagVersions(call, read) : undefined;
  flight.versions = versions;
  const value = await call.plan.fn.apply(call.scope, call.args as never[]);
  call.afterFunction();
  // With a schema, the fresh value is checked too: one that fails is returned as it is, not stored
  // (stored, it would only be refused by every read); one that passes resolves to the schema's output.
  const { schema } = call.plan;
  const output = schema === undefined ? value : await checkValue(call, schema, value, 'fresh');
  if (output === REFUSED) return value;
  // The caller waits for the write, so that the next call (in any process) finds the value; the
  // write has a whole bound of its own, after the calls made before the function shared one.
  if (!call.down && (!tagged || versions)) await store(call, flight, value, versions);
  return output;
}

/** Writes the entry, with the versions of its tags and its times, unless its lifetime or an invalidation says not to. */
async function store(call: Call, flight: Flight, value: unknown, before: TagVersions | undefined): Promise<void> {
  const { plan, key } = call;
  const versions = await tagsAfter(call, value, before);
  if (versions === null) return;
  const now = clockOf(call.backend)();
  let lifetime: ReturnType<typeof plan.lifetime>;
  try {
    lifetime = plan.lifetime(call, value, now);
  } catch (error) {
    // The caller gets its value either way; a throwing timeout or jitter function only means "not stored".
    call.reportProblem(asCacheError(error, plan.label, 'the timeout or jitter function failed'), 'timeout', key);
    return;
  }
  if (lifetime === DO_NOT_STORE) return;
  if (lifetime instanceof CacheConfigError) {
    call.reportProblem(lifetime, 'timeout', key);
    return;
  }
  // Checked last, right before the write: an invalidation that landed while we computed wins.
  if (flight.fenced || call.down) return;
  let { times } = lifetime;
  if (flight.expired) {
    // Expired while computing: stored as stale (a fallback), never as fresh; without grace, not at all.
    if (times?.g === undefined) return;
    times = { f: now, g: times.g };
  }
  const entry = makeEntry(value, versions, times, plan.version);
  const { timeout } = lifetime;
  reportLostPrototype(call, value);
  const explain = (error: unknown) => slowLargeWrite(inUserTerms(error, call, value), call, value);
  const written = call.attempt<void | typeof NOT_WRITTEN>('set', key, () => writeUnlessTooLarge(call, call.backend.set(key, entry, timeout), NOT_WRITTEN), NOT_WRITTEN, explain);
  // Its tags are made to outlive it, sent with the write (one round trip).
  const stored = (versions ? (await Promise.all([written, extendTags(call, versions, timeout)]))[0] : await written) !== NOT_WRITTEN;
  const { onEvent } = plan.settings;
  if (stored && isObserved(onEvent)) {
    emitEvent({ type: 'set', function: plan.label, key, tags: versions ? Object.keys(versions).filter(isHardTagKey) : [] }, onEvent);
  }
}

/** What a failed write resolves to (a successful one resolves to `undefined`). */
const NOT_WRITTEN = Symbol('not written');

/** The versions to store: those read before, plus those of tags first known from the value; `null` when they cannot be had. */
async function tagsAfter(call: Call, value: unknown, before: TagVersions | undefined): Promise<TagVersions | undefined | null> {
  const after = call.plan.tags?.after;
  if (!after) return before;
  let tags: string[];
  try {
    tags = after(call, value);
  } catch (error) {
    call.reportProblem(asCacheError(error, call.plan.label, 'the tags function failed after the call'), 'tags', call.key);
    return null;
  }
  return withTagsAfter(call, tags, before);
}

function asCacheError(error: unknown, label: string, what: string): EasyCacheError {
  if (error instanceof EasyCacheError) return error;
  return new CacheKeyError(`${label}: ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
