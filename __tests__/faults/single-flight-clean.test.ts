/**
 * Single flight leaves nothing behind: after flights that resolve, reject and time out, the
 * in-flight map of the backend is empty and no timer is left running; two scopes that render
 * different keys never share a flight. Run on memory (and a hanging backend), Redis and Memcached.
 */
import { MemoryCache, cached } from '../../lib';
import { flightsOf } from '../../lib/call/flight';
import { describeOnBackends } from '../helpers/backends-under-test';
import { CountingBackend } from '../helpers/counting-backend';
import { deferred } from '../helpers/deferred';
import { FaultyBackend } from '../helpers/faulty-backend';
import { eventually, FAULT_BACKEND_SETTINGS, FAULT_BACKENDS, liveTimers, sleep, watchUnhandledRejections } from './fault-kit';

const unhandled = watchUnhandledRejections();
afterAll(() => unhandled.stop());
afterEach(() => expect(unhandled.seen).toEqual([]));

describeOnBackends('single flight on %s stays clean', FAULT_BACKENDS, FAULT_BACKEND_SETTINGS, (under) => {
  let timersBefore: number;
  beforeAll(() => {
    timersBefore = liveTimers();
  });

  it('runs the function once for 50 concurrent misses, then empties the in-flight map', async () => {
    const gate = deferred();
    let runs = 0;
    let misses = 0;
    const get = cached(
      async (id: number) => {
        runs += 1;
        await gate.promise;
        return { id };
      },
      {
        cacheKey: `sf-ok:${Math.random()}:{id}`,
        tags: ['sf'],
        cacheInstance: under().backend,
        // A call joins (or starts) the flight in the same turn as it reports its miss.
        onEvent: (event) => {
          if (event.type === 'miss') misses += 1;
        },
      },
    );
    const calls = Array.from({ length: 50 }, () => get(1));
    // The gate opens only once every caller has joined: on a remote backend the reads answer at different times.
    await eventually('all 50 calls have missed and joined the flight, which has started', () => misses === 50 && runs === 1);
    expect(flightsOf(under().backend).size).toBe(1);
    gate.resolve();
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 50 }, () => ({ id: 1 })));
    expect(runs).toBe(1);
    expect(flightsOf(under().backend).size).toBe(0);
  });

  it('gives a rejection to every waiter, caches nothing, and empties the in-flight map', async () => {
    const gate = deferred();
    let runs = 0;
    let misses = 0;
    const get = cached(
      async () => {
        runs += 1;
        await gate.promise;
        throw new Error(`failure ${runs}`);
      },
      {
        cacheKey: `sf-fail:${Math.random()}`,
        cacheInstance: under().backend,
        onEvent: (event) => {
          if (event.type === 'miss') misses += 1;
        },
      },
    );
    const settled = Promise.allSettled(Array.from({ length: 20 }, () => get()));
    await eventually('all 20 calls have missed and joined the flight, which has started', () => misses === 20 && runs === 1);
    gate.resolve();
    const results = await settled;
    expect(results.every((result) => result.status === 'rejected' && (result.reason as Error).message === 'failure 1')).toBe(true);
    expect(flightsOf(under().backend).size).toBe(0);
    await expect(get()).rejects.toThrow('failure 2');
    expect(flightsOf(under().backend).size).toBe(0);
  });

  it('never lets two scopes that render different keys share a flight', async () => {
    const gate = deferred();
    const get = cached(
      async function (this: { id: number }) {
        await gate.promise;
        return this.id;
      },
      { cacheKey: `sf-scope:${Math.random()}:{this.id}`, cacheInstance: under().backend },
    );
    const first = get.call({ id: 1 });
    const second = get.call({ id: 2 });
    await eventually('both flights have started', () => flightsOf(under().backend).size === 2);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(flightsOf(under().backend).size).toBe(0);
  });

  it('leaves no timer running once the calls are done', async () => {
    await eventually('timers are back to their count before the tests', () => liveTimers() <= timersBefore, 2000);
  });
});

describe('single flight against a backend that hangs (every call times out)', () => {
  it('settles every waiter after one bound (no backend call after its reads), empties the in-flight map and clears every bound timer', async () => {
    const backend = new CountingBackend(new FaultyBackend(new MemoryCache(), { backendTimeoutMs: 30 }).hang());
    const before = liveTimers();
    let runs = 0;
    const get = cached(
      async (id: number) => {
        runs += 1;
        await sleep(5);
        return id;
      },
      { cacheKey: 'hang:{id}', tags: ['hang'], cacheInstance: backend, onError: () => undefined },
    );
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => get(i % 3)));
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i % 3));
    // Each call waits for its own read bound, then the function runs without the backend: every
    // call sends its reads (entry and tag versions) in one round and nothing after they time out.
    expect(backend.counts()).toEqual({ get: 30, getMany: 30 });
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(flightsOf(backend).size).toBe(0);
    await eventually('no bound timer is left', () => liveTimers() <= before, 1000);
  });
});
