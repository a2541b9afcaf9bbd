/**
 * One call of a cached function, in the order it happens: render the key; try the hit path;
 * otherwise read the entry with the versions of the call's tags (one round trip), check them,
 * and join or start the key's flight.
 */
import type { CacheInstance } from '../backends/backend';
import { NOT_FOUND } from '../backends/backend';
import { renderFullKey, type CallPlan } from '../compile/compile-plan';
import { SerializationError } from '../errors';
import { boundedGet, readSync, UNREAD } from '../guard/guard';
import { emitEvent, isObserved } from '../observe/events';
import { isEntry } from '../tags/entry';
import { prefetchTags, tagKeysBefore, tagsStillValid, type TagRead } from '../tags/tag-protocol';
import { Call } from './call';
import { fenceKey, joinOrStart, startFlight } from './flight';

/**
 * Runs a call. The hit of an untagged entry allocates nothing beyond its promise: in process it
 * returns without awaiting anything; remotely it costs one bounded `get` when the function has no
 * tags or prefix. Everything else makes a `Call` and goes through `readThenDecide` or `decide`.
 */
export function runCall(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  let key: string;
  let backend: CacheInstance;
  try {
    key = renderFullKey(plan, args, scope);
    backend = plan.backend();
  } catch (error) {
    return Promise.reject(error);
  }
  if (backend.getSync !== undefined) {
    const stored = readSync(backend.getSync, backend, key);
    if (isEntry(stored) && stored.t === undefined) return Promise.resolve(hit(plan, key, stored.v));
    const call = new Call(plan, backend, scope, args, key);
    return stored === UNREAD ? readThenDecide(call) : decide(call, stored);
  }
  if (plan.tags === undefined && plan.prefix === undefined) return readUntagged(plan, scope, args, key, backend);
  return readThenDecide(new Call(plan, backend, scope, args, key));
}

/** The common remote case, a function without tags or prefix: one bounded `get`, and a `Call` only on a miss or a failure. */
async function readUntagged(plan: CallPlan, scope: unknown, args: readonly unknown[], key: string, backend: CacheInstance): Promise<unknown> {
  let stored: unknown;
  try {
    stored = await boundedGet(backend, plan.settings, key);
  } catch (error) {
    const call = new Call(plan, backend, scope, args, key);
    return decide(call, call.absorb(error, 'get', key, NOT_FOUND));
  }
  if (isEntry(stored) && stored.t === undefined) return hit(plan, key, stored.v);
  return decide(new Call(plan, backend, scope, args, key), stored);
}

function hit(plan: CallPlan, key: string, value: unknown): unknown {
  const { onEvent } = plan.settings;
  if (isObserved(onEvent)) emitEvent({ type: 'hit', function: plan.label, key }, onEvent);
  return value;
}

/** Reads the entry and, over a network, the versions of the tags known before the call in the same round trip. */
async function readThenDecide(call: Call): Promise<unknown> {
  const { plan, backend, key } = call;
  // In process a prefetch saves nothing: the tags are read when an entry needs them.
  const tagKeys = !backend.inProcess && (plan.tags !== undefined || plan.prefix !== undefined) ? tagKeysBefore(plan, call) : undefined;
  const tagRead = tagKeys && tagKeys.length > 0 ? prefetchTags(call, tagKeys) : undefined;
  const entryRead = call.attempt('get', key, () => backend.get(key), NOT_FOUND);
  // Awaited together, so that in strict mode a failure of either is never left unhandled.
  const [stored, prefetched] = await Promise.all([entryRead, tagRead]);
  return decide(call, stored, tagKeys, prefetched);
}

/** A hit if `stored` is an entry whose tags are all current; otherwise a miss that joins or starts the flight. */
async function decide(call: Call, stored: unknown, tagKeys?: readonly string[], prefetched?: TagRead): Promise<unknown> {
  const { plan, key } = call;
  if (isEntry(stored)) {
    if (stored.t === undefined || (await tagsStillValid(call, stored.t, prefetched))) return hit(plan, key, stored.v);
  } else if (stored !== NOT_FOUND) {
    call.reportProblem(new SerializationError(`${plan.label}: the data under key ${key} is not an entry this library wrote; treated as a miss`), 'get', key);
  }
  const { onEvent } = plan.settings;
  if (isObserved(onEvent)) emitEvent({ type: 'miss', function: plan.label, key }, onEvent);
  return joinOrStart(call, tagKeys, prefetched);
}

/** Calls the function now and stores its value; an older computation of the key is fenced off. */
export async function refresh(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  const key = renderFullKey(plan, args, scope);
  const call = new Call(plan, plan.backend(), scope, args, key);
  fenceKey(call.backend, key);
  return startFlight(call, tagKeysBefore(plan, call));
}
