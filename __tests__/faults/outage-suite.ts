/**
 * Outages of a real server, run the same way on Redis and on Memcached: down at start, frozen
 * mid-call (the TCP proxy holds its bytes), restarted with data loss, slow with jitter under 200
 * concurrent callers, and 20 outage cycles. Each file that runs it starts servers of its own (never the shared ones).
 */
import { BackendError, cached, type CacheInstance, type EasyCacheError } from '../../lib';
import type { RemoteBackend } from '../helpers/backends-under-test';
import { CountingBackend } from '../helpers/counting-backend';
import { canStart } from '../helpers/server-control';
import { freePort } from '../setup/servers';
import { eventually, forceGc, liveTimers, sleep, timed, type RemoteKind } from './fault-kit';
import { useOutageRig } from './outage-rig';

/** The bound given to every backend of these tests, in ms. */
export const BOUND_MS = 100;
/**
 * A limit that only a call stuck on the server (instead of on its bound) can pass: 20 bounds, far
 * beyond what a loaded machine's scheduling adds. That a call waits for one bound and no second
 * one is proven by counting the backend calls it made, not by timing it.
 */
export const STUCK_LIMIT_MS = 2000;

/** Describes the outage tests for `kind`; skipped with a banner when the server binary is missing. */
export function describeOutages(kind: RemoteKind): void {
  if (!canStart(kind)) {
    console.warn(`!! ${kind} outage tests SKIPPED: the ${kind === 'redis' ? 'redis-server' : 'memcached'} binary is not on the PATH`);
    describe.skip(`${kind} outages (skipped: no ${kind} binary)`, () => {
      it('needs a server binary', () => undefined);
    });
    return;
  }

  describe(`${kind}: a server that goes away never breaks the caller`, () => {
    const rig = useOutageRig(kind, 'outage');
    // Without the breaker (breaker-outages.test.ts has it): these tests count what each call costs when every call waits for its bound.
    const backendOn = (address: string, boundMs = BOUND_MS): RemoteBackend => rig.backendOn(address, { backendTimeoutMs: boundMs, breaker: false });

    /** A cached function with tags whose value names its id and its run. */
    const cachedOn = (backend: CacheInstance, reported: EasyCacheError[], beforeReturn: () => void = () => undefined) => {
      const state = { runs: 0 };
      const get = cached(
        async (id: number) => {
          await sleep(5);
          beforeReturn();
          state.runs += 1;
          return { id, run: state.runs };
        },
        { cacheKey: 'item:{id}', tags: ['items', 'item:{id}'], cacheInstance: backend, onError: (error) => reported.push(error) },
      );
      return { get, state };
    };

    /**
     * Waits until `id` is served from the cache (two calls in a row, one run), and resolves to that
     * cached value: on a loaded machine one write may miss the bound, so this waits for the state
     * instead of assuming it after one call.
     */
    const servedFromCache = async (what: string, { get, state }: ReturnType<typeof cachedOn>, id: number) => {
      let value: { id: number; run: number } | undefined;
      await eventually(what, async () => {
        await get(id);
        const runs = state.runs;
        value = await get(id);
        return state.runs === runs;
      });
      return value as { id: number; run: number };
    };

    it('serves every call from the function when the server is down at start, and rejects invalidations', async () => {
      const port = await freePort();
      const reported: EasyCacheError[] = [];
      const counting = new CountingBackend(backendOn(`127.0.0.1:${port}`));
      const { get } = cachedOn(counting, reported);
      const calls = await Promise.all(Array.from({ length: 50 }, (_, i) => timed(() => get(i % 10))));
      calls.forEach((call, i) => {
        expect(call.error).toBeUndefined();
        expect(call.value?.id).toBe(i % 10);
        expect(call.ms).toBeLessThan(STUCK_LIMIT_MS);
      });
      // One round of reads per call (entry and tag versions together), and nothing once they failed.
      expect(counting.counts()).toEqual({ get: 50, getMany: 50 });
      const invalidations = [
        () => get.invalidateCacheByKey(1),
        () => get.invalidateCacheByTags(undefined, 1),
        () => get.expireCacheByKey(1),
        () => get.expireCacheByTags(undefined, 1),
      ];
      for (const invalidation of invalidations) {
        const result = await timed(invalidation);
        expect(result.error).toBeInstanceOf(BackendError);
        expect((result.error as BackendError).cause).toBeDefined();
        expect(result.ms).toBeLessThan(STUCK_LIMIT_MS);
      }
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.every((error) => error instanceof BackendError)).toBe(true);
    });

    it('settles a call whose server freezes mid-call, and every call while it stays frozen', async () => {
      const reported: EasyCacheError[] = [];
      let freezeNow = false;
      // The proxy holds every byte while frozen, as a stopped server would (see tcp-proxy.ts for why not SIGSTOP).
      const counting = new CountingBackend(backendOn(rig.proxy.address));
      const item = cachedOn(counting, reported, () => {
        if (!freezeNow) return;
        rig.proxy.hold();
        // From here on the counts are of calls made to the frozen server.
        counting.reset();
      });
      const { get, state } = item;
      expect((await servedFromCache('the server serves hits before the freeze', item, 1)).id).toBe(1);
      const runsBefore = state.runs;
      const reportsBefore = reported.length;
      freezeNow = true;
      try {
        // Every call below settles while the server stays frozen: through its bound, never an answer.
        const midCall = await timed(() => get(2));
        freezeNow = false;
        expect(midCall.value).toEqual({ id: 2, run: runsBefore + 1 });
        expect(midCall.ms).toBeLessThan(STUCK_LIMIT_MS);
        // The reads were made before the freeze; after it only the write, given up at its own bound
        // (no write at all if a read already missed its bound, which a loaded machine can cause).
        const readFailed = reported
          .slice(reportsBefore)
          .some((error) => error instanceof BackendError && (error.operation === 'get' || error.operation === 'getMany'));
        expect(counting.counts()).toEqual(readFailed ? {} : { set: 1 });
        counting.reset();
        const frozen = await Promise.all(Array.from({ length: 40 }, (_, i) => timed(() => get(i % 4))));
        for (const call of frozen) {
          expect(call.error).toBeUndefined();
          expect(call.ms).toBeLessThan(STUCK_LIMIT_MS);
        }
        expect(frozen.map((call) => call.value?.id)).toEqual(Array.from({ length: 40 }, (_, i) => i % 4));
        // One round of reads per call and no write after they timed out: one bound per call.
        expect(counting.counts()).toEqual({ get: 40, getMany: 40 });
        for (const change of [() => get.invalidateCacheByTags(['items'], 1), () => get.expireCacheByKey(1)]) {
          const invalidation = await timed(change);
          expect(invalidation.error).toBeInstanceOf(BackendError);
          expect(invalidation.ms).toBeLessThan(STUCK_LIMIT_MS);
        }
      } finally {
        freezeNow = false;
        rig.proxy.pass();
      }
      expect(reported.some((error) => error instanceof BackendError && /no answer within/.test(error.message))).toBe(true);
      // Back to normal: a value is stored again and then served.
      await servedFromCache('the thawed server serves hits again', item, 7);
    });

    it('misses (never serves stale data) after a restart that lost the data, then caches again', async () => {
      const reported: EasyCacheError[] = [];
      const item = cachedOn(backendOn(rig.server.address), reported);
      const { get } = item;
      const before = await servedFromCache('the server serves hits before the restart', item, 1);
      await rig.server.restart();
      for (let i = 0; i < 5; i++) {
        const call = await timed(() => get(1));
        expect(call.error).toBeUndefined();
        expect(call.value?.id).toBe(1);
        expect(call.ms).toBeLessThan(STUCK_LIMIT_MS);
      }
      await servedFromCache('the restarted server serves hits again', item, 8);
      // The entry written before the restart is gone: the next read of key 1 is not the old run.
      const afterwards = await get(1);
      expect(afterwards.run).not.toBe(before.run);
    });

    it('bounds every call of 200 concurrent callers through a slow link with jitter', async () => {
      const reported: EasyCacheError[] = [];
      rig.proxy.delay(25, 50);
      const { get } = cachedOn(backendOn(rig.proxy.address), reported);
      const invalidations: { ms: number; error?: unknown }[] = [];
      const caller = async (index: number) => {
        const calls = [];
        for (let i = 0; i < 4; i++) {
          const id = (index * 4 + i) % 60;
          calls.push({ id, call: await timed(() => get(id)) });
          if (index % 20 === 0 && i === 1) invalidations.push(await timed(() => get.invalidateCacheByTags(['item:{id}'], id)));
        }
        return calls;
      };
      const all = (await Promise.all(Array.from({ length: 200 }, (_, index) => caller(index)))).flat();
      expect(all).toHaveLength(800);
      for (const { id, call } of all) {
        expect(call.error).toBeUndefined();
        expect(call.value?.id).toBe(id);
        expect(call.ms).toBeLessThan(STUCK_LIMIT_MS);
      }
      for (const invalidation of invalidations) {
        if (invalidation.error !== undefined) expect(invalidation.error).toBeInstanceOf(BackendError);
        expect(invalidation.ms).toBeLessThan(STUCK_LIMIT_MS);
      }
      expect(reported.filter((error) => !(error instanceof BackendError)).map((error) => `${error.name}: ${error.message}`)).toEqual([]);
    });

    it('keeps heap and timers flat over 20 outage cycles (black hole, reset, recovery)', async () => {
      const reported: EasyCacheError[] = [];
      const backend = backendOn(rig.proxy.address, 50);
      const { get } = cachedOn(backend, reported);
      const burst = async (label: string) => {
        const calls = await Promise.all(Array.from({ length: 30 }, (_, i) => timed(() => get(i % 6))));
        for (const call of calls) {
          if (call.error !== undefined) throw new Error(`${label}: a call rejected: ${String(call.error)}`);
          expect(call.ms).toBeLessThan(STUCK_LIMIT_MS);
        }
      };
      const cycle = async () => {
        rig.proxy.blackhole();
        await burst('black hole');
        rig.proxy.reset();
        await burst('reset');
        rig.proxy.pass();
        await burst('recovered');
      };
      for (let i = 0; i < 3; i++) await cycle();
      // The errors this test keeps (with their stacks) are not the library's: drop them before measuring.
      reported.length = 0;
      await sleep(1100);
      forceGc();
      forceGc();
      const heapBefore = process.memoryUsage().heapUsed;
      const timersBefore = liveTimers();
      for (let i = 0; i < 20; i++) await cycle();
      await eventually('timers are back to their count before the cycles', () => liveTimers() <= timersBefore + 2, 3000);
      // Let the last calls' wait limits (1 s on memcached) pass, then collect twice: what is measured
      // is what stays, not what the last outage still holds for a moment.
      const reports = reported.length;
      reported.length = 0;
      await sleep(1100);
      forceGc();
      forceGc();
      const grown = process.memoryUsage().heapUsed - heapBefore;
      // About 0.4 MB here; a leak of 2 kB per call (1,800 calls) would pass 4 MB.
      expect(grown).toBeLessThan(4 * 1024 * 1024);
      expect(reports).toBeGreaterThan(0);
    }, 30_000);
  });
}
