/**
 * SPEC 11.1 on every backend: `hardTimeoutMs` and `softTimeoutMs` (and `0`, stale-while-revalidate),
 * the function going on in the background and storing its value, background work that never
 * throws to anyone and reports its errors, and hard invalidations that neither let a value
 * computed across them be stored nor let a stale value be served after them.
 */
import { cached, EasyCacheError, FunctionError, FunctionTimeoutError } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { deferred, settle, waitFor } from '../helpers/deferred';
import { watchUnhandledRejections } from '../faults/fault-kit';
import { freshNamespace } from './suites/backend-factory';
import { observe, STALE_SETTINGS, writeEntry } from './stale/stale-support';

/** A function paused on a gate: it counts its runs and returns `${gate value}${run}:${id}`. */
function gated() {
  const state = { runs: 0, gate: deferred<string>(), returned: 0 };
  const fn = async (id: number): Promise<string> => {
    const run = ++state.runs;
    const value = `${await state.gate.promise}${run}:${id}`;
    state.returned += 1;
    return value;
  };
  return { state, fn };
}

/** A function paused on `gate`, then failing with `errorFor(id)`. */
function failingOnGate(errorFor: (id: number) => Error) {
  const gate = deferred();
  const fn = async (id: number): Promise<string> => {
    await gate.promise;
    throw errorFor(id);
  };
  return { gate, fn };
}

/** Opens the gate with `value`, waits for the background write, then finds it with a hit (no second run). */
async function expectStoredWhenReleased(state: ReturnType<typeof gated>['state'], observer: ReturnType<typeof observe>, get: (id: number) => Promise<string>, value: string): Promise<void> {
  state.gate.resolve(value);
  await waitFor(() => observer.sets() === 1);
  expect(await get(1)).toBe(`${value}1:1`);
  expect(state.runs).toBe(1);
}

describeOnBackends('function timeouts and background work on %s', ALL_BACKENDS, STALE_SETTINGS, (under) => {
  it('hardTimeoutMs with a stale value: returns it, reports the timeout, backs off, and stores the function\'s value when it arrives', async () => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    const get = cached(fn, { name: 'slow', cacheKey: `${ns}:hard:{id}`, timeout: 60, grace: 60, hardTimeoutMs: 100, cacheInstance: under().backend, ...observer.hooks });
    await writeEntry(under(), get.getCacheKey(1), 'old');
    expect(await get(1)).toBe('old');
    expect(await get(1)).toBe('old');
    expect(state.runs).toBe(1);
    expect(observer.staleReasons()).toEqual(['hard-timeout', 'backoff']);
    // The caller never sees the timeout: onError does, and the stale event carries it.
    expect(observer.errors).toHaveLength(1);
    const [reported] = observer.errors;
    expect(reported).toBeInstanceOf(FunctionTimeoutError);
    expect(reported).toMatchObject({ code: 'FUNCTION_TIMEOUT', key: get.getCacheKey(1), timeoutMs: 100 });
    expect(reported?.message).toMatch(/^cached\(slow\): the function did not settle within 100 ms \(hardTimeoutMs\) for key .*; the stale value was returned/);
    const [timedOut, backingOff] = observer.events.filter((event) => event.type === 'stale');
    expect(timedOut).toMatchObject({ reason: 'hard-timeout', error: reported });
    expect(backingOff).toMatchObject({ reason: 'backoff', error: undefined });
    await expectStoredWhenReleased(state, observer, get, 'new');
    expect(observer.errors).toHaveLength(1);
  });

  it('hardTimeoutMs with a stale value: callers that time out on one computation report it once', async () => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    const get = cached(fn, { cacheKey: `${ns}:hard-shared:{id}`, timeout: 60, grace: 60, hardTimeoutMs: 1000, cacheInstance: under().backend, ...observer.hooks });
    await writeEntry(under(), get.getCacheKey(1), 'old');
    // Three callers join one computation, each on a timer of its own, and each gets the stale value.
    await expect(Promise.all([get(1), get(1), get(1)])).resolves.toEqual(['old', 'old', 'old']);
    expect(state.runs).toBe(1);
    // A caller whose read took longer than the first one's timeout finds the key backing off instead.
    const reasons = observer.staleReasons();
    expect(reasons).toContain('hard-timeout');
    expect(reasons.every((reason) => reason === 'hard-timeout' || reason === 'backoff')).toBe(true);
    expect(observer.errors).toHaveLength(1);
    expect(observer.errors[0]).toBeInstanceOf(FunctionTimeoutError);
    await expectStoredWhenReleased(state, observer, get, 'new');
  });

  it('hardTimeoutMs without a stale value: rejects with FunctionTimeoutError, and the value is stored when it arrives', async () => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    const get = cached(fn, { name: 'slow', cacheKey: `${ns}:hard-miss:{id}`, timeout: 60, hardTimeoutMs: 100, cacheInstance: under().backend, ...observer.hooks });
    const rejected = await get(1).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(FunctionTimeoutError);
    expect(rejected).toBeInstanceOf(EasyCacheError);
    expect(rejected).toMatchObject({ code: 'FUNCTION_TIMEOUT', key: get.getCacheKey(1), timeoutMs: 100 });
    expect((rejected as Error).message).toMatch(/^cached\(slow\): the function did not settle within 100 ms \(hardTimeoutMs\)/);
    await expectStoredWhenReleased(state, observer, get, 'late');
  });

  it('softTimeoutMs: returns the stale value after the soft wait and stores the function\'s value later; a quick function is waited for', async () => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    const get = cached(fn, { cacheKey: `${ns}:soft:{id}`, timeout: 60, grace: 60, softTimeoutMs: 100, cacheInstance: under().backend, ...observer.hooks });
    await writeEntry(under(), get.getCacheKey(1), 'old');
    expect(await get(1)).toBe('old');
    expect(observer.staleReasons()).toEqual(['soft-timeout']);
    await expectStoredWhenReleased(state, observer, get, 'new');
    // The gate is open now: a function that settles within the soft wait gives its own value.
    const patient = cached(fn, { cacheKey: `${ns}:soft:{id}`, timeout: 60, grace: 60, softTimeoutMs: 60_000, cacheInstance: under().backend });
    await writeEntry(under(), get.getCacheKey(2), 'old');
    expect(await patient(2)).toBe('new2:2');
  });

  it('softTimeoutMs applies only with a stale value: a miss waits for the function', async () => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const get = cached(fn, { cacheKey: `${ns}:soft-miss:{id}`, timeout: 60, grace: 60, softTimeoutMs: 0, cacheInstance: under().backend });
    const call = get(1);
    await waitFor(() => state.runs === 1);
    state.gate.resolve('first');
    expect(await call).toBe('first1:1');
  });

  it('softTimeoutMs: 0 is stale-while-revalidate: every caller gets the stale value at once, one background refresh stores the new one', async () => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    const get = cached(fn, { cacheKey: `${ns}:swr:{id}`, timeout: 60, grace: 60, softTimeoutMs: 0, cacheInstance: under().backend, ...observer.hooks });
    await writeEntry(under(), get.getCacheKey(1), 'old');
    expect(await Promise.all(Array.from({ length: 10 }, () => get(1)))).toEqual(Array(10).fill('old'));
    expect(state.runs).toBe(1);
    expect(observer.staleReasons()).toEqual(Array(10).fill('swr'));
    await expectStoredWhenReleased(state, observer, get, 'new');
  });

  it('background work never throws to anyone and reports its errors', async () => {
    const ns = freshNamespace();
    const unhandled = watchUnhandledRejections();
    try {
      const failure = new Error('refresh failed');
      const observer = observe();
      const { gate, fn } = failingOnGate((id) => (id === 1 ? failure : new Error('late failure')));
      const swr = cached(fn, { cacheKey: `${ns}:bg-swr:{id}`, timeout: 60, grace: 60, softTimeoutMs: 0, cacheInstance: under().backend, ...observer.hooks });
      const hard = cached(fn, { cacheKey: `${ns}:bg-hard:{id}`, timeout: 60, hardTimeoutMs: 50, cacheInstance: under().backend, ...observer.hooks });
      await writeEntry(under(), swr.getCacheKey(1), 'old');
      expect(await Promise.all([swr(1), swr(1)])).toEqual(['old', 'old']);
      await expect(hard(2)).rejects.toBeInstanceOf(FunctionTimeoutError);
      gate.resolve();
      await waitFor(() => observer.errors.length === 2);
      await settle(10);
      expect(unhandled.seen).toEqual([]);
      expect(observer.errors.every((error) => error instanceof FunctionError)).toBe(true);
      expect(observer.errors.map((error) => error.cause)).toEqual(expect.arrayContaining([failure, expect.objectContaining({ message: 'late failure' })]));
      // The failed refresh backs the stale key off: its stale value keeps being served without a call.
      expect(await swr(1)).toBe('old');
      expect(observer.staleReasons()).toEqual(['swr', 'swr', 'backoff']);
    } finally {
      unhandled.stop();
    }
  });

  const hardInvalidations = [
    ['invalidateCacheByKey', (get: Invalidatable) => get.invalidateCacheByKey(1)],
    ['invalidateCacheByTags', (get: Invalidatable) => get.invalidateCacheByTags(undefined, 1)],
    ['invalidateCacheByPrefix', (get: Invalidatable) => get.invalidateCacheByPrefix(1)],
  ] as const;

  it.each(hardInvalidations)('never stores a value computed across %s', async (_name, invalidate) => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    let ttl = 1;
    const get = cached(fn, {
      cacheKey: 'fence:{id}',
      prefix: `${ns}:{id}`,
      tags: [`${ns}:t:{id}`],
      timeout: () => ttl,
      grace: 60,
      softTimeoutMs: 0,
      cacheInstance: under().backend,
      ...observer.hooks,
    });
    state.gate.resolve('v');
    expect(await get(1)).toBe('v1:1');
    await under().passTime(1200);
    ttl = 60;
    // Stale now: the call returns at once and refreshes in the background, paused on a new gate.
    state.gate = deferred<string>();
    expect(await get(1)).toBe('v1:1');
    expect(observer.staleReasons()).toEqual(['swr']);
    await invalidate(get);
    state.gate.resolve('computed');
    await waitFor(() => state.returned === 2);
    await settle(10);
    expect(observer.sets()).toBe(1);
    expect(await get(1)).toBe('computed3:1');
    expect(state.runs).toBe(3);
  });

  const leftRunning = [
    ['a soft timeout', { softTimeoutMs: 50 }, 'soft-timeout'],
    ['a hard timeout', { hardTimeoutMs: 50 }, 'hard-timeout'],
  ] as const;

  it.each(leftRunning)('never stores a value that %s left running, computed across a hard invalidation', async (_name, timeouts, reason) => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    const get = cached(fn, { cacheKey: `${ns}:left:{id}`, timeout: 60, grace: 60, ...timeouts, cacheInstance: under().backend, ...observer.hooks });
    await writeEntry(under(), get.getCacheKey(1), 'old');
    expect(await get(1)).toBe('old');
    expect(observer.staleReasons()).toEqual([reason]);
    await get.invalidateCacheByKey(1);
    state.gate.resolve('computed');
    await waitFor(() => state.returned === 1);
    await settle(10);
    expect(observer.sets()).toBe(0);
    // Nothing was stored: the next call computes afresh.
    expect(await get(1)).toBe('computed2:1');
    expect(state.runs).toBe(2);
  });

  it.each(leftRunning)('a function that %s left running reports its failure and throws to no one', async (_name, timeouts, reason) => {
    const ns = freshNamespace();
    const unhandled = watchUnhandledRejections();
    try {
      const failure = new Error('failed in the background');
      const observer = observe();
      const { gate, fn } = failingOnGate((id) => (id === 1 ? failure : new Error(`unexpected call for ${id}`)));
      const get = cached(fn, { cacheKey: `${ns}:left-fails:{id}`, timeout: 60, grace: 60, ...timeouts, cacheInstance: under().backend, ...observer.hooks });
      await writeEntry(under(), get.getCacheKey(1), 'old');
      expect(await get(1)).toBe('old');
      expect(observer.staleReasons()).toEqual([reason]);
      gate.resolve();
      const functionErrors = (): EasyCacheError[] => observer.errors.filter((error) => error instanceof FunctionError);
      await waitFor(() => functionErrors().length === 1);
      await settle(10);
      expect(unhandled.seen).toEqual([]);
      expect(functionErrors()).toHaveLength(1);
      expect(functionErrors()[0]?.cause).toBe(failure);
    } finally {
      unhandled.stop();
    }
  });

  it('a call while a timed-out miss still runs joins its computation', async () => {
    const ns = freshNamespace();
    const { state, fn } = gated();
    const observer = observe();
    const get = cached(fn, { cacheKey: `${ns}:join-late:{id}`, timeout: 60, hardTimeoutMs: 100, cacheInstance: under().backend, ...observer.hooks });
    await expect(get(1)).rejects.toBeInstanceOf(FunctionTimeoutError);
    const misses = (): number => observer.events.filter((event) => event.type === 'miss').length;
    // The second call misses too, and joins the computation the first one left running.
    const second = get(1).catch((error: unknown) => error);
    await waitFor(() => misses() === 2);
    state.gate.resolve('late');
    // It gets the value, or times out on its own timer first if the machine is slow: never a second run.
    const outcome = await second;
    expect(outcome === 'late1:1' || outcome instanceof FunctionTimeoutError).toBe(true);
    await waitFor(() => observer.sets() === 1);
    expect(state.runs).toBe(1);
    expect(await get(1)).toBe('late1:1');
  });

  it.each(hardInvalidations)('never serves a stale value after %s: the function\'s error reaches the caller', async (_name, invalidate) => {
    const ns = freshNamespace();
    let failing = false;
    const get = cached(
      async (id: number) => {
        if (failing) throw new Error(`down ${id}`);
        return `v${id}`;
      },
      { cacheKey: 'gone:{id}', prefix: `${ns}:{id}`, tags: [`${ns}:t:{id}`], timeout: () => (failing ? 60 : 1), grace: 60, cacheInstance: under().backend, onError: () => undefined },
    );
    expect(await get(1)).toBe('v1');
    expect(await get(2)).toBe('v2');
    await under().passTime(1200);
    failing = true;
    expect(await get(2)).toBe('v2');
    await invalidate(get);
    await expect(get(1)).rejects.toThrow('down 1');
  });
});

interface Invalidatable {
  invalidateCacheByKey(id: number): Promise<unknown>;
  invalidateCacheByTags(tags: undefined, id: number): Promise<unknown>;
  invalidateCacheByPrefix(id: number): Promise<unknown>;
}
