/**
 * The circuit breaker against real outages (SPEC 11.5), on Redis and Memcached servers of this
 * file, reached through a TCP proxy that freezes them (holds every byte) or black-holes them.
 * That calls skip the backend while it is open is proven by what they did not do (no backend call
 * counted, no bound reported as passed), never by timing them.
 */
import { Cluster } from 'ioredis';
import { BackendError, cached, type BreakerOption, type CacheEvent, type CacheInstance, type EasyCacheError } from '../../lib';
import type { RemoteBackend } from '../helpers/backends-under-test';
import { CountingBackend } from '../helpers/counting-backend';
import { RedisCache } from '../../lib/backends/redis';
import { canStart } from '../helpers/server-control';
import { uniquePrefix } from '../helpers/server-suites';
import { freePort } from '../setup/servers';
import { eventually, type RemoteKind } from './fault-kit';
import { useOutageRig } from './outage-rig';

const BOUND_MS = 100;
/** Far longer than any test here: the breaker cannot let a probe through by itself during one. */
const LONG_OPEN_MS = 600_000;

describe.each<RemoteKind>(['redis', 'memcached'])('%s: the circuit breaker under an outage', (kind) => {
  if (!canStart(kind)) {
    it.skip(`needs the ${kind} server binary`, () => undefined);
    return;
  }
  const rig = useOutageRig(kind, 'breaker');
  const backendOn = (address: string, breaker: BreakerOption): RemoteBackend => rig.backendOn(address, { backendTimeoutMs: BOUND_MS, breaker });

  /** A tagged cached function on `backend` that records its events and reports. */
  const cachedOn = (backend: CacheInstance) => {
    const events: CacheEvent[] = [];
    const reported: EasyCacheError[] = [];
    let runs = 0;
    const get = cached(async (id: number) => ({ id, run: ++runs }), {
      cacheKey: 'item:{id}',
      tags: ['items'],
      cacheInstance: backend,
      onEvent: (event) => events.push(event),
      onError: (error) => reported.push(error),
    });
    const ofType = (type: CacheEvent['type']) => events.filter((event) => event.type === type);
    /** Calls `get` until the breaker has opened (each call waits one bound at most). */
    const untilOpen = () => eventually('the breaker opens', async () => (await get(1), ofType('breaker-open').length > 0));
    return { get, events, reported, ofType, untilOpen, runs: () => runs };
  };

  it('opens under a frozen server (the proxy holds every byte); then 200 calls run their function with no bound waited, and invalidations reject with BREAKER_OPEN', async () => {
    const subject = cachedOn(backendOn(rig.proxy.address, { openMs: LONG_OPEN_MS }));
    await subject.get(0);
    rig.proxy.hold();
    try {
      await subject.untilOpen();
      const reportsBefore = subject.reported.length;
      const values = await Promise.all(Array.from({ length: 200 }, (_, i) => subject.get(1000 + i)));
      expect(values.map((value) => value.id)).toEqual(Array.from({ length: 200 }, (_, i) => 1000 + i));
      // A call that waited for its bound would have reported "no answer within 100 ms".
      expect(subject.reported.slice(reportsBefore)).toEqual([]);
      for (const invalidation of [() => subject.get.invalidateCacheByKey(1), () => subject.get.invalidateCacheByTags(['items'])]) {
        const error = await invalidation().then(() => undefined, (rejection: unknown) => rejection);
        expect(error).toBeInstanceOf(BackendError);
        expect((error as BackendError).code).toBe('BREAKER_OPEN');
        expect((error as BackendError).cause).toBeInstanceOf(BackendError);
      }
      expect(subject.reported.slice(reportsBefore)).toEqual([]);
    } finally {
      rig.proxy.pass();
    }
    expect(subject.ofType('breaker-open')).toHaveLength(1);
    expect(subject.reported.filter((error) => error.code === 'BREAKER_OPEN')).toHaveLength(1);
  });

  it('is closed by a probe once the thawed server answers, and caches again', async () => {
    const subject = cachedOn(backendOn(rig.proxy.address, { openMs: 200 }));
    rig.proxy.hold();
    try {
      await subject.untilOpen();
    } finally {
      rig.proxy.pass();
    }
    await eventually('a probe closes the breaker', async () => (await subject.get(2), subject.ofType('breaker-close').length > 0));
    expect(subject.ofType('breaker-open')).toHaveLength(1);
    expect(subject.ofType('breaker-close')).toHaveLength(1);
    await eventually('values are served from the cache again', async () => {
      const first = await subject.get(3);
      return (await subject.get(3)).run === first.run;
    });
  });

  it('makes no backend call while open through a black hole, and one probe closes it when the link is back', async () => {
    let now = Date.now();
    const counting = new CountingBackend(backendOn(rig.proxy.address, false), { breaker: { failures: 3, openMs: 2000 }, now: () => now });
    const subject = cachedOn(counting);
    await subject.get(0);
    rig.proxy.blackhole();
    await subject.untilOpen();
    counting.reset();
    const reportsBefore = subject.reported.length;
    await Promise.all(Array.from({ length: 200 }, (_, i) => subject.get(i)));
    // Reads missed at once and writes were skipped: not one call reached the backend.
    expect(counting.counts()).toEqual({});
    expect(subject.reported.slice(reportsBefore)).toEqual([]);
    rig.proxy.pass();
    // Each step lets the probe through; one may still find the client reconnecting, and then the breaker stays open.
    await eventually('a probe closes the breaker', async () => {
      now += 2000;
      await subject.get(1);
      return subject.ofType('breaker-close').length > 0;
    });
    expect(subject.ofType('breaker-open')).toHaveLength(1);
    expect(subject.ofType('breaker-close')).toHaveLength(1);
  });
});

describe('Redis Cluster: the circuit breaker of a RedisCache whose Cluster cannot be reached', () => {
  it('opens, then lets 200 calls run their function with no bound waited, and rejects invalidations with BREAKER_OPEN', async () => {
    const port = await freePort();
    const cluster = new Cluster([{ host: '127.0.0.1', port }], { clusterRetryStrategy: () => 100 });
    // The test owns this client: its "cannot refresh the slots" errors are expected here.
    cluster.on('error', () => undefined);
    const backend = new RedisCache(cluster, { prefix: uniquePrefix('breaker-cluster'), backendTimeoutMs: BOUND_MS, breaker: { openMs: LONG_OPEN_MS } });
    const events: CacheEvent[] = [];
    const reported: EasyCacheError[] = [];
    const get = cached(async (id: number) => ({ id }), { cacheKey: 'item:{id}', cacheInstance: backend, onEvent: (event) => events.push(event), onError: (error) => reported.push(error) });
    try {
      await eventually('the breaker opens', async () => (await get(1), events.some((event) => event.type === 'breaker-open')));
      const reportsBefore = reported.length;
      const values = await Promise.all(Array.from({ length: 200 }, (_, i) => get(i)));
      expect(values.map((value) => value.id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(reported.slice(reportsBefore)).toEqual([]);
      await expect(get.invalidateCacheByKey(1)).rejects.toMatchObject({ code: 'BREAKER_OPEN' });
      expect(events.filter((event) => event.type === 'breaker-open')).toHaveLength(1);
    } finally {
      cluster.disconnect();
    }
  });
});
