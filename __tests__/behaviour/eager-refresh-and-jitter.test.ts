/**
 * SPEC 11.3 on every backend: `eagerRefresh` (a hit past the fraction of its timeout starts one
 * background refresh; younger entries do not) and `jitter` (a number or a function of the call;
 * each stored timeout gets an extra in [0, jitter]; a bad jitter result stores nothing and is
 * reported as CacheConfigError). That the extra is uniformly random is checked once, in memory:
 * the draw is the core's, the same for every backend.
 */
import { cached, CacheConfigError, FunctionError, MemoryCache } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { CountingBackend } from '../helpers/counting-backend';
import { deferred, settle, waitFor } from '../helpers/deferred';
import { watchUnhandledRejections } from '../faults/fault-kit';
import { freshNamespace } from './suites/backend-factory';
import { observe, STALE_SETTINGS } from './stale/stale-support';

describeOnBackends('eager refresh and jitter on %s', ALL_BACKENDS, STALE_SETTINGS, (under) => {
  it.each([
    ['untagged', false],
    ['tagged', true],
  ])('eagerRefresh (%s): a hit past the fraction returns the cached value and starts one background refresh; the entry then has the new value', async (_label, tagged) => {
    const ns = freshNamespace();
    const observer = observe();
    let runs = 0;
    let gate = deferred();
    gate.resolve();
    // Due for a refresh after 0.2 × 10 s = 2 s, and far from gone: memcached's clock ticks in whole
    // seconds and may drop a 10 s entry after 9, and a loaded machine's 2.2 s wait may last longer.
    let ttl = 10;
    const get = cached(
      async (id: number) => {
        const run = ++runs;
        await gate.promise;
        return `v${run}:${id}`;
      },
      { cacheKey: `${ns}:eager:{id}`, ...(tagged ? { tags: [`${ns}:t:{id}`] } : {}), timeout: () => ttl, eagerRefresh: 0.2, cacheInstance: under().backend, ...observer.hooks },
    );
    expect(await get(1)).toBe('v1:1');
    // Younger than 0.2 × 10 s: plain hits.
    expect(await Promise.all([get(1), get(1), get(1)])).toEqual(['v1:1', 'v1:1', 'v1:1']);
    await settle(10);
    expect(runs).toBe(1);
    await under().passTime(2200);
    ttl = 60;
    gate = deferred();
    expect(await Promise.all(Array.from({ length: 10 }, () => get(1)))).toEqual(Array(10).fill('v1:1'));
    // A tagged refresh reads its tag versions before the function runs.
    await waitFor(() => runs >= 2);
    expect(runs).toBe(2);
    gate.resolve();
    await waitFor(() => observer.sets() === 2);
    expect(await get(1)).toBe('v2:1');
    expect(runs).toBe(2);
    expect(observer.staleReasons()).toEqual([]);
  });

  it('eagerRefresh: a failing refresh is reported, never thrown, and the hit still returns the cached value', async () => {
    const ns = freshNamespace();
    const unhandled = watchUnhandledRejections();
    try {
      const observer = observe();
      let failing = false;
      let ttl = 10;
      const get = cached(
        async (id: number) => {
          if (failing) throw new Error(`refresh of ${id} failed`);
          return `v:${id}`;
        },
        { cacheKey: `${ns}:eager-fail:{id}`, timeout: () => ttl, eagerRefresh: 0.2, cacheInstance: under().backend, ...observer.hooks },
      );
      expect(await get(1)).toBe('v:1');
      await under().passTime(2200);
      ttl = 60;
      failing = true;
      expect(await get(1)).toBe('v:1');
      await waitFor(() => observer.errors.length === 1);
      await settle(10);
      expect(observer.errors[0]).toBeInstanceOf(FunctionError);
      expect((observer.errors[0]?.cause as Error).message).toBe('refresh of 1 failed');
      expect(unhandled.seen).toEqual([]);
    } finally {
      unhandled.stop();
    }
  });

  it('jitter (seconds): each stored timeout is in [timeout, timeout + jitter], plus grace when set', async () => {
    const ns = freshNamespace();
    const counting = new CountingBackend(under().backend);
    let runs = 0;
    const plain = cached(async (id: number) => ++runs && id, { cacheKey: `${ns}:jit:{id}`, timeout: 10, jitter: 5, cacheInstance: counting });
    const graced = cached(async (id: number) => ++runs && id, { cacheKey: `${ns}:jit-grace:{id}`, timeout: 10, jitter: 5, grace: 3, cacheInstance: counting });
    const ids = Array.from({ length: 20 }, (_, i) => i);
    await Promise.all(ids.flatMap((id) => [plain(id), graced(id)]));
    // Stored with fractional expiries, and found again.
    expect(await Promise.all(ids.flatMap((id) => [plain(id), graced(id)]))).toEqual(ids.flatMap((id) => [id, id]));
    expect(runs).toBe(40);
    const plainTimeouts = ids.flatMap((id) => counting.timeoutsOf(plain.getCacheKey(id))) as number[];
    const gracedTimeouts = ids.flatMap((id) => counting.timeoutsOf(graced.getCacheKey(id))) as number[];
    expect(plainTimeouts).toHaveLength(20);
    expect(gracedTimeouts).toHaveLength(20);
    for (const timeout of plainTimeouts) expect(timeout >= 10 && timeout <= 15).toBe(true);
    for (const timeout of gracedTimeouts) expect(timeout >= 13 && timeout <= 18).toBe(true);
    // Entries written together do not all expire together.
    expect(new Set(plainTimeouts).size).toBeGreaterThan(1);
    // The entry's own fresh-until follows the same draw: stale `grace` seconds before the backend drops it.
    const entry = (await under().backend.get(graced.getCacheKey(0))) as { f: number; g: number };
    expect(entry.g - entry.f).toBe(3000);
  });

  it('jitter (a function of the call): receives the call\'s arguments and bounds the extra', async () => {
    const ns = freshNamespace();
    const counting = new CountingBackend(under().backend);
    const seen: number[] = [];
    const get = cached(async (id: number) => id, {
      cacheKey: `${ns}:jit-fn:{id}`,
      timeout: 10,
      jitter: (id: number) => {
        seen.push(id);
        return id;
      },
      cacheInstance: counting,
    });
    await get(0);
    await get(2);
    expect(seen).toEqual([0, 2]);
    expect(counting.timeoutsOf(get.getCacheKey(0))).toEqual([10]);
    const [withJitter] = counting.timeoutsOf(get.getCacheKey(2)) as number[];
    expect(withJitter! >= 10 && withJitter! <= 12).toBe(true);
  });

  it.each([
    ['a negative number', -1],
    ['NaN', NaN],
    ['a string', 'soon'],
  ])('a jitter function that returns %s: the value is returned, not stored, and a CacheConfigError is reported', async (_label, bad) => {
    const ns = freshNamespace();
    const counting = new CountingBackend(under().backend);
    const observer = observe();
    let runs = 0;
    const get = cached(async (id: number) => `run${++runs}:${id}`, {
      name: 'jittery',
      cacheKey: `${ns}:jit-bad:{id}`,
      timeout: 10,
      jitter: () => bad as number,
      cacheInstance: counting,
      ...observer.hooks,
    });
    expect(await get(1)).toBe('run1:1');
    expect(await get(1)).toBe('run2:1');
    expect(counting.timeoutsOf(get.getCacheKey(1))).toEqual([]);
    expect(observer.sets()).toBe(0);
    expect(observer.errors).toHaveLength(2);
    expect(observer.errors[0]).toBeInstanceOf(CacheConfigError);
    expect(observer.errors[0]).toMatchObject({ option: 'jitter' });
    expect(observer.errors[0]?.message).toMatch(/^cached\(jittery\): the jitter function must return seconds/);
  });
});

describe('jitter draws', () => {
  it('spread each extra uniformly over [0, jitter]: 400 entries, about a quarter in each quarter', async () => {
    const counting = new CountingBackend(new MemoryCache());
    const get = cached(async (id: number) => id, { cacheKey: 'spread:{id}', timeout: 10, jitter: 8, cacheInstance: counting });
    const ids = Array.from({ length: 400 }, (_, i) => i);
    await Promise.all(ids.map((id) => get(id)));
    const extras = ids.flatMap((id) => counting.timeoutsOf(get.getCacheKey(id))).map((timeout) => (timeout as number) - 10);
    expect(extras).toHaveLength(400);
    const quarters = [0, 0, 0, 0];
    for (const extra of extras) {
      const quarter = Math.min(3, Math.floor(extra / 2));
      quarters[quarter] = (quarters[quarter] ?? 0) + 1;
    }
    // 100 expected in each; 60 and 140 are 4.6 standard deviations away (a failure about once in 50,000 runs).
    for (const count of quarters) {
      expect(count).toBeGreaterThan(60);
      expect(count).toBeLessThan(140);
    }
  });
});
