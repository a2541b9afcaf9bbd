import { NOT_FOUND } from '../backends/backend';
import { SerializationError } from '../errors';
import type { CallFacts } from '../plan/call-function';
import { renderFullKey, tagKeysBefore, type CallPlan } from '../plan/compile-plan';
import { isEntry } from '../tags/entry';
import { tagsStillValid } from '../tags/tag-versions';
import { DEFAULT_OPTIONS } from '../options/defaults';
import { startFlight } from './compute';
import { emitEvent, hasGlobalListeners } from './events';
import { fenceKey, flightsOf } from './flights';
import { BackendSession } from './guard';

/** One call of a cached function: a hit returns the stored value; a miss joins or starts the key's flight. */
export async function runCached(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  const facts: CallFacts = { fn: plan.fn, signature: plan.signature, scope, args };
  const key = renderFullKey(plan, facts);
  const backend = plan.backend();
  const session = new BackendSession(backend, plan.settings, DEFAULT_OPTIONS.backendTimeoutMs);
  const stored = await session.attempt('get', key, () => backend.get(key), NOT_FOUND);
  const { onEvent } = plan.settings;
  const observed = onEvent !== undefined || hasGlobalListeners();
  if (isEntry(stored)) {
    if (stored.length === 2 || (await tagsStillValid(session, stored[2]))) {
      if (observed) emitEvent({ type: 'hit', function: plan.label, key }, onEvent);
      return stored[1];
    }
  } else if (stored !== NOT_FOUND) {
    session.reportProblem(new SerializationError(`${plan.label}: the data under key ${key} is not an entry this library wrote; treated as a miss`), 'get', key);
  }
  if (observed) emitEvent({ type: 'miss', function: plan.label, key }, onEvent);
  const flights = flightsOf(backend);
  const running = flights.get(key);
  if (running) return running.promise;
  return startFlight(plan, session, facts, key, uniqueTagKeys(plan, facts), flights);
}

/** Calls the function now and stores its value; an older computation of the key is fenced off. */
export async function refresh(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  const facts: CallFacts = { fn: plan.fn, signature: plan.signature, scope, args };
  const key = renderFullKey(plan, facts);
  const backend = plan.backend();
  const session = new BackendSession(backend, plan.settings, DEFAULT_OPTIONS.backendTimeoutMs);
  fenceKey(backend, key);
  return startFlight(plan, session, facts, key, uniqueTagKeys(plan, facts), flightsOf(backend));
}

function uniqueTagKeys(plan: CallPlan, facts: CallFacts): string[] {
  const keys = tagKeysBefore(plan, facts);
  return keys.length > 1 ? [...new Set(keys)] : keys;
}
