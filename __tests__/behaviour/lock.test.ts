/**
 * SPEC 11.4, one process at a time: two backend objects on the same server are two processes
 * (each has its own flights). The owner takes the lock, the other waits for its value; a waiter
 * gives up after waitMs; a failed owner lets the next one compute; an invalidation during the
 * locked computation wins; a stale value or an eager refresh does not wait; lock operations fail
 * open; memory needs no lock. The herd across real processes is in lock-herd.test.ts.
 */
import { BackendError, cached, invalidateCacheTags, MemoryCache, NOT_FOUND, type CacheEvent, type CacheInstance, type CachedOptions, type LockEvent } from '../../lib';
import { formatDebugLine } from '../../lib/observe/debug';
import { deferred, waitFor } from '../helpers/deferred';
import { REMOTE_KINDS, remoteOn, twinBackends, type Twins } from '../helpers/twin-backends';

const LONG_WAIT = { ttlMs: 60_000, waitMs: 60_000 };

/** The lock events of `events`, as `outcome` or `outcome:reason`. */
function lockOutcomes(events: readonly CacheEvent[]): string[] {
  return events.filter((event): event is LockEvent => event.type === 'lock').map((event) => (event.reason ? `${event.outcome}:${event.reason}` : event.outcome));
}

/** The same cached function as seen by a process on `backend`, with its events. */
function onProcess<R>(backend: CacheInstance, fn: (id: number) => Promise<R>, options: CachedOptions<[number], R> = {}) {
  const events: CacheEvent[] = [];
  const get = cached(fn, { cacheKey: 'report:{id}', cacheInstance: backend, lock: LONG_WAIT, onEvent: (event) => events.push(event), ...options });
  return { get, events };
}

/** Resolves once `backend` has polled the lock of `key` (the call found it taken and waits). */
function pollsOf(backend: CacheInstance, key: string): () => boolean {
  const original = backend.getMany.bind(backend);
  let polled = false;
  backend.getMany = (keys) => {
    if (keys.includes(`lock:${key}`)) polled = true;
    return original(keys);
  };
  return () => polled;
}

/** `real` with an `add` that always fails: taking the lock fails, everything else works. */
function refusingAdd(real: CacheInstance): CacheInstance {
  return {
    get: (key) => real.get(key),
    getMany: (keys) => real.getMany(keys),
    set: (key, value, timeout) => real.set(key, value, timeout),
    setMany: (entries, timeout) => real.setMany(entries, timeout),
    add: async () => {
      throw new Error('add refused');
    },
    delete: (key) => real.delete(key),
  };
}

/** A's call starts and its function runs; then B's call, which finds the lock taken and polls. */
async function ownerThenWaiter<R>(a: { get(id: number): Promise<R> }, b: { get(id: number): Promise<R> }, backendOfB: CacheInstance, id: number, running: () => boolean): Promise<[Promise<R>, Promise<R>]> {
  const polled = pollsOf(backendOfB, `report:${id}`);
  const first = a.get(id);
  await waitFor(running, 0, 30_000);
  const second = b.get(id);
  await waitFor(polled, 0, 30_000);
  return [first, second];
}

describe.each(REMOTE_KINDS)('lock across processes on %s', (kind) => {
  let twins: Twins;
  beforeEach(() => {
    twins = twinBackends(kind, 'lock');
  });
  afterEach(() => twins.close());

  it('a second process waits for the owner\'s value: the function runs once, and the lock is released', async () => {
    const gate = deferred();
    let runs = 0;
    const fn = async (id: number) => {
      runs += 1;
      await gate.promise;
      return `v${runs}:${id}`;
    };
    const a = onProcess(twins.a, fn);
    const b = onProcess(twins.b, fn);
    const [first, second] = await ownerThenWaiter(a, b, twins.b, 1, () => runs === 1);
    gate.resolve();
    await expect(first).resolves.toBe('v1:1');
    await expect(second).resolves.toBe('v1:1');
    expect(runs).toBe(1);
    expect(lockOutcomes(a.events)).toEqual(['taken']);
    expect(lockOutcomes(b.events)).toEqual(['waited']);
    expect(await twins.a.get('lock:report:1')).toBe(NOT_FOUND);
  });

  it('a waiter gives up after waitMs and runs the function itself; another owner\'s lock is left alone', async () => {
    await twins.a.add('lock:report:2', 'held-elsewhere', 60);
    let runs = 0;
    const b = onProcess(twins.b, async (id: number) => `v${++runs}:${id}`, { lock: { waitMs: 100 } });
    await expect(b.get(2)).resolves.toBe('v1:2');
    expect(runs).toBe(1);
    expect(lockOutcomes(b.events)).toEqual(['given-up:wait-ms']);
    const gaveUp = b.events.find((event): event is LockEvent => event.type === 'lock');
    expect(gaveUp?.waitedMs).toBeGreaterThanOrEqual(100);
    expect(await twins.b.get('lock:report:2')).toBe('held-elsewhere');
  });

  it('an owner whose function throws releases the lock: the waiter takes it and computes', async () => {
    const gate = deferred();
    let runs = 0;
    const a = onProcess(twins.a, async (id: number) => {
      runs += 1;
      await gate.promise;
      throw new Error(`source down for ${id}`);
    });
    const b = onProcess(twins.b, async (id: number) => `v${++runs}:${id}`);
    const [first, second] = await ownerThenWaiter(a, b, twins.b, 3, () => runs === 1);
    gate.resolve();
    await expect(first).rejects.toThrow('source down for 3');
    await expect(second).resolves.toBe('v2:3');
    expect(lockOutcomes(b.events)).toEqual(['taken']);
  });

  it('an invalidation made elsewhere during the locked computation wins: the waiter never gets the fenced value', async () => {
    const gate = deferred();
    let runs = 0;
    const fn = async (id: number) => {
      const run = ++runs;
      if (run === 1) await gate.promise;
      return `v${run}:${id}`;
    };
    const a = onProcess(twins.a, fn, { tags: ['report'] });
    const b = onProcess(twins.b, fn, { tags: ['report'] });
    const [first, second] = await ownerThenWaiter(a, b, twins.b, 4, () => runs === 1);
    // A third process invalidates the tag while the owner computes from the old data.
    const third = remoteOn(kind, twins.prefix);
    try {
      await invalidateCacheTags('report', { cacheInstance: third.backend });
    } finally {
      await third.close();
    }
    gate.resolve();
    await expect(first).resolves.toBe('v1:4');
    await expect(second).resolves.toBe('v2:4');
    await expect(a.get(4)).resolves.toBe('v2:4');
    expect(runs).toBe(2);
  });

  it('a call with a stale value returns it at once while another process holds the lock', async () => {
    let runs = 0;
    const fn = async (id: number) => `v${++runs}:${id}`;
    const a = onProcess(twins.a, fn, { timeout: 0.05, grace: 600 });
    await expect(a.get(5)).resolves.toBe('v1:5');
    // Measured after the write: the entry's times are taken when it is written.
    const written = Date.now();
    await waitFor(() => Date.now() > written + 100, 0);
    await twins.a.add('lock:report:5', 'held-elsewhere', 60);
    const b = onProcess(twins.b, fn, { timeout: 0.05, grace: 600 });
    await expect(b.get(5)).resolves.toBe('v1:5');
    expect(runs).toBe(1);
    expect(lockOutcomes(b.events)).toEqual(['given-up:value-in-hand']);
  });

  it('an eager refresh takes the same lock: none while another process holds it, one once it is free', async () => {
    let runs = 0;
    const a = onProcess(twins.a, async (id: number) => `v${++runs}:${id}`, { timeout: 600, eagerRefresh: 0.0001 });
    await expect(a.get(6)).resolves.toBe('v1:6');
    // Measured after the write: the entry's times are taken when it is written.
    const written = Date.now();
    await waitFor(() => Date.now() > written + 100, 0);
    await twins.a.add('lock:report:6', 'held-elsewhere', 60);
    await expect(a.get(6)).resolves.toBe('v1:6');
    await waitFor(() => lockOutcomes(a.events).length === 2, 0, 30_000);
    expect(lockOutcomes(a.events)).toEqual(['taken', 'given-up:value-in-hand']);
    expect(runs).toBe(1);
    await twins.a.delete('lock:report:6');
    await expect(a.get(6)).resolves.toBe('v1:6');
    await waitFor(() => runs === 2, 0, 30_000);
    await waitFor(() => lockOutcomes(a.events).length === 3, 0, 30_000);
    expect(lockOutcomes(a.events)[2]).toBe('taken');
  });

  it('refreshCache takes no lock: it runs the function even though the entry is fresh', async () => {
    let runs = 0;
    const a = onProcess(twins.a, async (id: number) => `v${++runs}:${id}`);
    await expect(a.get(7)).resolves.toBe('v1:7');
    await expect(a.get.refreshCache(7)).resolves.toBe('v2:7');
    await expect(a.get(7)).resolves.toBe('v2:7');
    expect(lockOutcomes(a.events)).toEqual(['taken']);
  });

  it('fails open: a lock operation that fails is reported and the function runs', async () => {
    const refusing = refusingAdd(twins.a);
    const errors: unknown[] = [];
    let runs = 0;
    const a = onProcess(refusing, async (id: number) => `v${++runs}:${id}`, { onError: (error) => errors.push(error) });
    await expect(a.get(8)).resolves.toBe('v1:8');
    expect(lockOutcomes(a.events)).toEqual(['given-up:backend-error']);
    expect(errors).toEqual([expect.any(BackendError)]);
    expect((errors[0] as BackendError).message).toMatch(/add refused/);
  });

  it('in strict mode, a lock operation that fails rejects with BackendError, as every backend failure does', async () => {
    const refusing = refusingAdd(twins.a);
    let runs = 0;
    const a = onProcess(refusing, async (id: number) => `v${++runs}:${id}`, { strict: true, onError: () => undefined });
    await expect(a.get(9)).rejects.toThrow(BackendError);
    expect(runs).toBe(0);
  });
});

describe('lock on memory', () => {
  it('is the in-process flight: one run for concurrent calls, no lock key, no lock events', async () => {
    const memory = new MemoryCache();
    const gate = deferred();
    let runs = 0;
    const m = onProcess(memory, async (id: number) => {
      runs += 1;
      await gate.promise;
      return `v${runs}:${id}`;
    }, { lock: true });
    const calls = [m.get(1), m.get(1), m.get(1)];
    await waitFor(() => runs === 1, 0);
    expect(await memory.get('lock:report:1')).toBe(NOT_FOUND);
    gate.resolve();
    await expect(Promise.all(calls)).resolves.toEqual(['v1:1', 'v1:1', 'v1:1']);
    expect(runs).toBe(1);
    expect(lockOutcomes(m.events)).toEqual([]);
  });
});

describe('lock events under EASY_CACHE_DEBUG', () => {
  it('prints one LOCK line per outcome, with the wait and the reason', () => {
    const base = { type: 'lock', function: 'cached(report)', key: 'report:1' } as const;
    expect(formatDebugLine({ ...base, outcome: 'taken', waitedMs: 0.4 })).toBe('[easy-cache] LOCK TAKEN cached(report) report:1');
    expect(formatDebugLine({ ...base, outcome: 'waited', waitedMs: 120.2 })).toBe('[easy-cache] LOCK WAITED cached(report) report:1 after 120 ms');
    expect(formatDebugLine({ ...base, outcome: 'given-up', waitedMs: 5003, reason: 'wait-ms' })).toBe('[easy-cache] LOCK GIVEN-UP cached(report) report:1 (wait-ms after 5003 ms)');
  });
});
