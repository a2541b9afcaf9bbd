import { NOT_FOUND } from '../backends/backend';
import { CacheKeyError, EasyCacheError } from '../errors';
import type { CallFacts } from '../plan/call-function';
import { tagKeyOf, type CallPlan } from '../plan/compile-plan';
import { DO_NOT_STORE } from '../plan/timeout-plan';
import { makeEntry, type TagVersions } from '../tags/entry';
import { readTagVersions, type TagRead } from '../tags/tag-versions';
import { emitEvent, hasGlobalListeners } from './events';
import type { Flight } from './flights';
import type { BackendSession } from './guard';

/** One computation for a miss: what it needs from start to write. */
interface Miss {
  readonly plan: CallPlan;
  readonly session: BackendSession;
  readonly facts: CallFacts;
  readonly key: string;
  readonly flight: Flight;
}

/**
 * Runs the function for a miss (or a refresh) as the flight of `key`: tag versions are read
 * before the function runs, the value is stored unless an invalidation fenced the flight, and
 * the flight leaves the map however it ends. Concurrent misses share `flight.promise`.
 */
export function startFlight(
  plan: CallPlan,
  session: BackendSession,
  facts: CallFacts,
  key: string,
  tagKeys: readonly string[],
  flights: Map<string, Flight>,
  prefetched?: TagRead,
): Promise<unknown> {
  const flight: { promise: Promise<unknown>; tagKeys: readonly string[]; fenced: boolean } = {
    promise: NEVER,
    tagKeys,
    fenced: false,
  };
  flights.set(key, flight);
  flight.promise = computeAndStore({ plan, session, facts, key, flight }, prefetched).finally(() => {
    if (flights.get(key) === flight) flights.delete(key);
  });
  return flight.promise;
}

// A placeholder until the real promise is assigned a few lines later, synchronously.
const NEVER: Promise<unknown> = new Promise(() => undefined);

async function computeAndStore(miss: Miss, prefetched: TagRead | undefined): Promise<unknown> {
  const { plan, session, facts, flight } = miss;
  const versions = flight.tagKeys.length > 0 ? await readTagVersions(session, flight.tagKeys, prefetched) : undefined;
  const value = await plan.fn.apply(facts.scope, facts.args as never[]);
  session.afterFunction();
  // The caller waits for the write, so that the next call (in any process) finds the value; the
  // write has a whole bound of its own, after the calls made before the function shared one.
  if (!session.down && (flight.tagKeys.length === 0 || versions)) await store(miss, value, versions);
  return value;
}

/** Writes the entry, with the versions of its tags, unless the timeout or an invalidation says not to. */
async function store(miss: Miss, value: unknown, before: TagVersions | undefined): Promise<void> {
  const { plan, session, facts, key, flight } = miss;
  const versions = await withTagsAfter(miss, value, before);
  if (versions === NOT_FOUND) return;
  let timeout: ReturnType<CallPlan['timeout']>;
  try {
    timeout = plan.timeout(facts, value);
  } catch (error) {
    // The caller gets its value either way; a throwing timeout function only means "not stored".
    session.reportProblem(asCacheError(error, plan.label, 'the timeout function failed'), 'timeout', key);
    return;
  }
  if (timeout === DO_NOT_STORE) return;
  if (typeof timeout === 'object' && timeout !== null) {
    session.reportProblem(timeout, 'timeout', key);
    return;
  }
  // Checked last, right before the write: an invalidation that landed while we computed wins.
  if (flight.fenced || session.down) return;
  const entry = makeEntry(value, versions);
  const stored = await session.attempt('set', key, () => session.backend.set(key, entry, timeout).then(() => true), false);
  const { onEvent } = plan.settings;
  if (stored && (onEvent || hasGlobalListeners())) {
    emitEvent({ type: 'set', function: plan.label, key, tags: versions ? Object.keys(versions) : [] }, onEvent);
  }
}

/** Adds the versions of tags first known from the returned value; NOT_FOUND when they cannot be had. */
async function withTagsAfter(miss: Miss, value: unknown, versions: TagVersions | undefined): Promise<TagVersions | undefined | typeof NOT_FOUND> {
  const { plan, session, facts, key } = miss;
  const after = plan.tags?.after;
  if (!after) return versions;
  let tags: string[];
  try {
    tags = after(facts, value);
  } catch (error) {
    session.reportProblem(asCacheError(error, plan.label, 'the tags function failed after the call'), 'tags', key);
    return NOT_FOUND;
  }
  const fresh = [...new Set(tags.map(tagKeyOf))].filter((tagKey) => !versions || !(tagKey in versions));
  if (fresh.length === 0) return versions;
  const more = await readTagVersions(session, fresh);
  return more ? { ...versions, ...more } : NOT_FOUND;
}

function asCacheError(error: unknown, label: string, what: string): EasyCacheError {
  if (error instanceof EasyCacheError) return error;
  return new CacheKeyError(`${label}: ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
