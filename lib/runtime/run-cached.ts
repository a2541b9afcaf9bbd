import type { CacheInstance } from '../backends/backend';
import { NOT_FOUND } from '../backends/backend';
import { SerializationError } from '../errors';
import { DEFAULT_OPTIONS } from '../options/defaults';
import type { CallFacts } from '../plan/call-function';
import { renderFullKey, tagKeysBefore, type CallPlan } from '../plan/compile-plan';
import { isEntry } from '../tags/entry';
import { tagsStillValid, type TagRead } from '../tags/tag-versions';
import { startFlight } from './compute';
import { emitEvent, hasGlobalListeners } from './events';
import { fenceKey, flightsOf } from './flights';
import { withBound } from '../shared/bound';
import { BackendSession, boundOf } from './guard';

const UNREAD = Symbol('unread');

/**
 * One call of a cached function. The hit of an untagged entry on an in-process backend returns
 * without awaiting anything; every other case goes through `continueCall`.
 */
export function runCached(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  let key: string;
  let backend: CacheInstance;
  try {
    key = renderFullKey(plan, args, scope);
    backend = plan.backend();
  } catch (error) {
    return Promise.reject(error);
  }
  let stored: unknown = UNREAD;
  if (backend.getSync !== undefined) {
    try {
      stored = backend.getSync(key);
    } catch {
      // The full path reads again through the guard, which reports the error.
      stored = UNREAD;
    }
    if (isEntry(stored) && stored.t === undefined) return Promise.resolve(hit(plan, key, stored.v));
  } else if (plan.tags === undefined && plan.prefix === undefined) {
    return readThenContinue(plan, scope, args, key, backend);
  }
  return continueCall(plan, scope, args, key, backend, stored);
}

/**
 * The common remote case, a function without tags or prefix: one bounded `get`, with nothing
 * allocated for the guard unless it fails (a session per call showed up as garbage collection).
 */
async function readThenContinue(plan: CallPlan, scope: unknown, args: readonly unknown[], key: string, backend: CacheInstance): Promise<unknown> {
  let stored: unknown;
  try {
    stored = await withBound(backend.get(key), boundOf(backend, plan.settings, DEFAULT_OPTIONS.backendTimeoutMs));
  } catch (error) {
    const session = new BackendSession(backend, plan.settings, DEFAULT_OPTIONS.backendTimeoutMs);
    return continueCall(plan, scope, args, key, backend, session.absorb(error, 'get', key, NOT_FOUND), session);
  }
  if (isEntry(stored) && stored.t === undefined) return hit(plan, key, stored.v);
  return continueCall(plan, scope, args, key, backend, stored);
}

function hit(plan: CallPlan, key: string, value: unknown): unknown {
  const { onEvent } = plan.settings;
  if (onEvent !== undefined || hasGlobalListeners()) emitEvent({ type: 'hit', function: plan.label, key }, onEvent);
  return value;
}

/**
 * The rest of a call: read the entry (unless done) and, in the same round trip, the versions of
 * the tags known before the call; check them; then join or start the key's flight.
 */
async function continueCall(
  plan: CallPlan,
  scope: unknown,
  args: readonly unknown[],
  key: string,
  backend: CacheInstance,
  read: unknown,
  session = new BackendSession(backend, plan.settings, DEFAULT_OPTIONS.backendTimeoutMs),
): Promise<unknown> {
  const flights = flightsOf(backend);
  const facts: CallFacts = { fn: plan.fn, signature: plan.signature, scope, args };
  // Over a network the tag versions ride along with the entry read; in process that saves nothing.
  const prefetch = read === UNREAD && !backend.inProcess && (plan.tags !== undefined || plan.prefix !== undefined);
  let tagKeys = prefetch ? uniqueTagKeys(plan, facts) : undefined;
  const tagRead = tagKeys && tagKeys.length > 0 ? readTags(session, tagKeys) : undefined;
  const entryRead = read === UNREAD ? session.attempt('get', key, () => backend.get(key), NOT_FOUND) : read;
  // Awaited together, so that in strict mode a failure of either is never left unhandled.
  const [stored, prefetched] = await Promise.all([entryRead, tagRead]);
  const { onEvent } = plan.settings;
  const observed = onEvent !== undefined || hasGlobalListeners();
  if (isEntry(stored)) {
    if (stored.t === undefined || (await tagsStillValid(session, stored.t, prefetched))) return hit(plan, key, stored.v);
  } else if (stored !== NOT_FOUND) {
    session.reportProblem(new SerializationError(`${plan.label}: the data under key ${key} is not an entry this library wrote; treated as a miss`), 'get', key);
  }
  if (observed) emitEvent({ type: 'miss', function: plan.label, key }, onEvent);
  const running = flights.get(key);
  if (running) return running.promise;
  tagKeys ??= uniqueTagKeys(plan, facts);
  return startFlight(plan, session, facts, key, tagKeys, flights, prefetched);
}

/** Reads tag versions; `undefined` when the backend failed (the entry is then a miss and nothing is stored). */
async function readTags(session: BackendSession, keys: readonly string[]): Promise<TagRead | undefined> {
  const found = await session.attempt('getMany', keys[0], () => session.backend.getMany(keys), undefined);
  return found ? { keys, found } : undefined;
}

/** Calls the function now and stores its value; an older computation of the key is fenced off. */
export async function refresh(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  const facts: CallFacts = { fn: plan.fn, signature: plan.signature, scope, args };
  const key = renderFullKey(plan, args, scope);
  const backend = plan.backend();
  const session = new BackendSession(backend, plan.settings, DEFAULT_OPTIONS.backendTimeoutMs);
  fenceKey(backend, key);
  return startFlight(plan, session, facts, key, uniqueTagKeys(plan, facts), flightsOf(backend));
}

function uniqueTagKeys(plan: CallPlan, facts: CallFacts): string[] {
  const keys = tagKeysBefore(plan, facts);
  return keys.length > 1 ? [...new Set(keys)] : keys;
}
