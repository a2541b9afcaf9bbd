/**
 * The flight of a key: the one computation under way for it in this process (single flight),
 * from the tag versions read before the function runs to the write, and the fences that keep a
 * value computed across an invalidation from being stored.
 */
import type { CacheInstance } from '../backends/backend';
import { setKeysChangedSink } from '../backends/shared/link-events';
import type { TagVersions } from '../tags/entry';
import { prefetchTags, readTagVersions, tagKeysBefore, versionKeysOf, type TagRead } from '../tags/tag-protocol';
import type { Call } from './call';
import { underLock, type LockUse } from './lock';
import { storeValue } from './store-entry';
import { checkValue, REFUSED } from './value-check';

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
  /** Set when a soft invalidation let go of it while it runs (see `letGo`). */
  released: boolean;
  /**
   * Given by the first call that starts or joins it with a stale value standing in for its value
   * (fail-safe): run when the flight fails, however it fails (a function that throws at once
   * included), before it leaves the map, so that the key backs off with no moment in which a call
   * finds it neither computing nor backing off.
   */
  onFailure: (() => void) | undefined;
}

// Owned per backend (never module-global per key space): two backends never share flights.
const flightsByBackend = new WeakMap<CacheInstance, Map<string, Flight>>();

// Flights a soft invalidation let go of while they still run: no call joins them any more, but a
// later hard invalidation must still fence them (their values are stored when they end).
const releasedByBackend = new WeakMap<CacheInstance, Map<Flight, string>>();

/** Takes `flight` out of the map (no later call joins it) and keeps it where hard invalidations still find it. */
function letGo(backend: CacheInstance, flights: Map<string, Flight>, key: string, flight: Flight): void {
  flights.delete(key);
  flight.released = true;
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
export function joinOrStart(call: Call, tagKeys: readonly string[] | undefined, prefetched: TagRead | undefined, lockUse?: LockUse, onFailure?: () => void): Promise<unknown> {
  const flights = flightsOf(call.backend);
  const running = flights.get(call.key);
  if (running) {
    if (prefetched === undefined || readTheSame(running, prefetched)) {
      running.onFailure ??= onFailure;
      return running.promise;
    }
    // The versions this call read may be the ones the flight is creating right now (on another
    // connection, the create can be seen before the flight hears of it): compare once it knows them.
    const reading = (running as RunningFlight).reading;
    if (reading !== undefined) {
      const decide = (): Promise<unknown> => joinOrStart(call, tagKeys, prefetched, lockUse, onFailure);
      return reading.then(decide, decide);
    }
    running.fenced = true;
  }
  return startFlight(call, tagKeys ?? tagKeysBefore(call.plan, call), prefetched, lockUse, flights, onFailure);
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
export function startFlight(call: Call, tagKeys: readonly string[], prefetched?: TagRead, lockUse?: LockUse, flights = flightsOf(call.backend), onFailure?: () => void): Promise<unknown> {
  const flight: RunningFlight = { promise: NEVER, tagKeys, fenced: false, expired: false, seen: prefetched?.found, versions: undefined, reading: undefined, released: false, onFailure };
  flights.set(call.key, flight);
  const { lock } = call.plan;
  // Without a lock across processes (in process, the flight itself is the lock) the function runs at
  // once, and the flight lands in the `finally` of its own async frame: no `then` and no closures.
  if (lock === undefined || lockUse === 'bypass' || call.backend.inProcess || call.down) {
    flight.promise = computeAndStore(call, flight, prefetched, flights);
    return flight.promise;
  }
  flight.promise = underLock(call, flight.tagKeys, lock, lockUse, (session, read) => {
    // The versions read after the lock was taken are the ones the value is computed from.
    if (read) flight.seen = read.found;
    return computeAndStore(session, flight, read, undefined);
  }).then(
    (value) => {
      land(call, flights, flight);
      return value;
    },
    (error: unknown) => {
      land(call, flights, flight, true);
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
  /** While the versions the entry will carry are read and created: settles once `versions` is set. */
  reading: Promise<unknown> | undefined;
}

// A placeholder until the real promise is assigned a few lines later, synchronously.
const NEVER: Promise<unknown> = new Promise(() => undefined);

/**
 * The flight has ended: it leaves the map (unless a later flight of the key took its place) and the
 * released ones. A failed one runs its `onFailure` first, while it still holds the key.
 */
function land(call: Call, flights: Map<string, Flight>, flight: Flight, failed = false): void {
  if (failed) flight.onFailure?.();
  if (flights.get(call.key) === flight) flights.delete(call.key);
  if (flight.released) releasedByBackend.get(call.backend)?.delete(flight);
}

/** The versions the flight's entry will carry: read (unless read with the entry), missing ones created; `undefined` when the backend failed. */
async function versionsToCarry(call: Call, flight: RunningFlight, prefetched: TagRead | undefined): Promise<TagVersions | undefined> {
  const read = prefetched ?? (await prefetchTags(call, flight.tagKeys));
  flight.seen ??= read?.found;
  return read ? readTagVersions(call, read) : undefined;
}

/**
 * Runs the function after reading the versions of its tags, and stores the value. Given `flights`,
 * lands the flight however it ends; under a lock, `startFlight` lands it after the lock's release.
 */
async function computeAndStore(call: Call, flight: RunningFlight, prefetched: TagRead | undefined, flights: Map<string, Flight> | undefined): Promise<unknown> {
  let failed = false;
  try {
    const tagged = flight.tagKeys.length > 0;
    let versions: TagVersions | undefined;
    if (tagged) {
      const reading = versionsToCarry(call, flight, prefetched);
      flight.reading = reading;
      // Awaited here before any call that waits on it: `versions` is set when they look again.
      versions = await reading;
      flight.versions = versions;
      flight.reading = undefined;
    }
    const value = await call.plan.fn.apply(call.scope, call.args as never[]);
    call.afterFunction();
    // With a schema, the fresh value is checked too: one that fails is returned as it is, not stored
    // (stored, it would only be refused by every read); one that passes resolves to the schema's output.
    const { schema } = call.plan;
    const output = schema === undefined ? value : await checkValue(call, schema, value, 'fresh');
    if (output === REFUSED) return value;
    // The caller waits for the write, so that the next call (in any process) finds the value; the
    // write has a whole bound of its own, after the calls made before the function shared one.
    if (!call.down && (!tagged || versions)) {
      // In process the write is done already (`undefined`): no await.
      const writing = storeValue(call, flight, value, versions);
      if (writing !== undefined) await writing;
    }
    return output;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (flights !== undefined) land(call, flights, flight, failed);
  }
}
