/**
 * SPEC 11.1 on every backend: "Background work (a refresh after a stale return, after a soft
 * timeout, an eager refresh) ... keeps the guarantees of sections 4 and 9: ... a value computed
 * across an invalidation is never stored", and after `hardTimeoutMs` without a stale value "the
 * function goes on in the background and its value is stored when it arrives (unless fenced)".
 * An eager refresh, and a miss left running by its hard timeout, computed across a hard
 * invalidation by key, tag or prefix, must leave nothing behind: the next call runs the function.
 * (The stale refresh, and the unfenced timed-out miss that is stored, are in stale-timeouts.test.ts.)
 */
import { cached, FunctionTimeoutError } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { deferred, settle, waitFor } from '../helpers/deferred';
import { freshNamespace } from './suites/backend-factory';
import { observe, STALE_SETTINGS } from './stale/stale-support';

/** A source read when the function starts (`${value}${run}:${id}`); the function then waits at `gate`, open until a test replaces it. */
function gatedSource() {
  const state = { value: 'old', runs: 0, returned: 0, gate: deferred() };
  state.gate.resolve();
  const fn = async (id: number): Promise<string> => {
    const run = ++state.runs;
    const value = `${state.value}${run}:${id}`;
    await state.gate.promise;
    state.returned += 1;
    return value;
  };
  return { state, fn };
}

interface Invalidatable {
  invalidateCacheByKey(id: number): Promise<unknown>;
  invalidateCacheByTags(tags: undefined, id: number): Promise<unknown>;
  invalidateCacheByPrefix(id: number): Promise<unknown>;
}

const hardInvalidations = [
  ['key', (get: Invalidatable) => get.invalidateCacheByKey(1)],
  ['tag', (get: Invalidatable) => get.invalidateCacheByTags(undefined, 1)],
  ['prefix', (get: Invalidatable) => get.invalidateCacheByPrefix(1)],
] as const;

describeOnBackends('background work fenced by hard invalidations on %s', ALL_BACKENDS, STALE_SETTINGS, (under) => {
  /** Key, tag and prefix of their own for each test, so that each invalidation reaches the entry. */
  const naming = () => {
    const ns = freshNamespace();
    return { cacheKey: 'fence:{id}', prefix: `${ns}:{id}`, tags: [`${ns}:t:{id}`], cacheInstance: under().backend };
  };

  it.each(hardInvalidations)('an eager refresh computed across a hard invalidation by %s is not stored', async (_way, invalidate) => {
    const { state, fn } = gatedSource();
    const observer = observe();
    // Due for a refresh after 1 s, fresh for 10: the hit after the wait cannot be a miss.
    const get = cached(fn, { ...naming(), timeout: 10, eagerRefresh: 0.1, ...observer.hooks });
    expect(await get(1)).toBe('old1:1');
    await waitFor(() => observer.sets() === 1, 0);
    await under().passTime(1100);
    state.gate = deferred();
    // A fresh hit: it returns the cached value and starts the refresh, held at the gate.
    expect(await get(1)).toBe('old1:1');
    // The refresh has read its tag versions: its function is running.
    await waitFor(() => state.runs === 2, 0);
    state.value = 'new';
    await invalidate(get);
    state.gate.resolve();
    await waitFor(() => state.returned === 2);
    await settle(10);
    expect(observer.sets()).toBe(1);
    expect(observer.staleReasons()).toEqual([]);
    expect(await get(1)).toBe('new3:1');
    expect(state.runs).toBe(3);
  });

  it.each(hardInvalidations)('a miss left running by hardTimeoutMs, computed across a hard invalidation by %s, is not stored when it arrives', async (_way, invalidate) => {
    const { state, fn } = gatedSource();
    const observer = observe();
    const options = { ...naming(), timeout: 60, ...observer.hooks };
    const get = cached(fn, { ...options, hardTimeoutMs: 50 });
    // The same entries read without a hard timeout: its own call, reading tags on a loaded machine, never times out.
    const patient = cached(fn, options);
    state.gate = deferred();
    await expect(get(1)).rejects.toBeInstanceOf(FunctionTimeoutError);
    await waitFor(() => state.runs === 1, 0);
    state.value = 'new';
    await invalidate(get);
    state.gate.resolve();
    await waitFor(() => state.returned === 1);
    await settle(10);
    expect(observer.sets()).toBe(0);
    expect(await patient(1)).toBe('new2:1');
    expect(state.runs).toBe(2);
  });
});
