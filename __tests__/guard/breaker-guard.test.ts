/**
 * The breaker as calls see it (SPEC 11.5), on a failing in-memory backend that declares a breaker
 * and a clock the test moves: no server and no waiting, so every count is exact.
 */
import { BackendError, MemoryCache, cached, type CacheEvent, type EasyCacheError } from '../../lib';
import { formatDebugLine } from '../../lib/observe/debug';
import { FaultyBackend } from '../helpers/faulty-backend';

const OPEN_MS = 2000;

/** A cached function over a faulty backend with a breaker of `failures`; `tags` makes its calls take the full path. */
function setUp(options: { tags?: boolean; strict?: boolean; failures?: number; breaker?: false; backendTimeoutMs?: number } = {}) {
  let now = 5_000_000;
  const faulty = new FaultyBackend(new MemoryCache(), {
    breaker: options.breaker ?? { failures: options.failures ?? 3, openMs: OPEN_MS },
    now: () => now,
    backendTimeoutMs: options.backendTimeoutMs,
  });
  const events: CacheEvent[] = [];
  const reported: EasyCacheError[] = [];
  let runs = 0;
  const get = cached(async (id: number) => ({ id, run: ++runs }), {
    name: 'getItem',
    cacheKey: 'item:{id}',
    ...(options.tags ? { tags: ['items'] } : {}),
    ...(options.strict ? { strict: true } : {}),
    cacheInstance: faulty,
    onEvent: (event) => events.push(event),
    onError: (error) => reported.push(error),
  });
  const ofType = (type: CacheEvent['type']) => events.filter((event) => event.type === type);
  return { faulty, events, reported, get, ofType, runs: () => runs, pass: (ms: number) => (now += ms) };
}

type Subject = ReturnType<typeof setUp>;

/** Calls `get` with a failing backend until the breaker opens; resolves to the calls it took. */
async function openBreaker({ faulty, get, ofType }: Subject): Promise<number> {
  faulty.alwaysThrow();
  for (let calls = 1; calls <= 10; calls++) {
    await get(calls);
    if (ofType('breaker-open').length > 0) return calls;
  }
  throw new Error('the breaker did not open within 10 failing calls');
}

describe.each([
  ['an untagged function (the hot path)', false, 3],
  ['a tagged function (entry and tag versions read together)', true, 2],
])('the breaker, for %s', (_label, tags, callsToOpen) => {
  it('opens after 3 failures in a row, reported once as an event and to onError', async () => {
    const subject = setUp({ tags });
    expect(await openBreaker(subject)).toBe(callsToOpen);
    const [opened] = subject.ofType('breaker-open');
    expect(opened).toMatchObject({ type: 'breaker-open', function: 'cached(getItem)', backend: 'FaultyBackend', failures: 3, openMs: OPEN_MS });
    const openings = subject.reported.filter((error) => error.code === 'BREAKER_OPEN');
    expect(openings).toHaveLength(1);
    expect(openings[0]).toBeInstanceOf(BackendError);
    expect(openings[0]?.message).toBe(
      'cached(getItem): the circuit breaker of FaultyBackend opened after 3 failed calls in a row; calls skip it for 2000 ms, then one call probes it',
    );
    expect((openings[0]?.cause as Error).message).toMatch(/injected failure/);
  });

  it('then lets 200 calls run their function without one backend call, report or bound', async () => {
    const subject = setUp({ tags });
    await openBreaker(subject);
    const { faulty, get, events, reported } = subject;
    const callsBefore = faulty.calls;
    const eventsBefore = events.length;
    const reportsBefore = reported.length;
    const values = await Promise.all(Array.from({ length: 200 }, (_, i) => get(100 + i)));
    expect(values.map((value) => value.id)).toEqual(Array.from({ length: 200 }, (_, i) => 100 + i));
    // Reads missed at once and writes were skipped: the backend saw nothing.
    expect(faulty.calls).toBe(callsBefore);
    expect(reported).toHaveLength(reportsBefore);
    expect(new Set(events.slice(eventsBefore).map((event) => event.type))).toEqual(new Set(['miss']));
  });

  it('rejects invalidations at once with BackendError code BREAKER_OPEN', async () => {
    const subject = setUp({ tags });
    await openBreaker(subject);
    const { faulty, get } = subject;
    const callsBefore = faulty.calls;
    const invalidations = [() => get.invalidateCacheByKey(1), () => get.expireCacheByKey(1), ...(tags ? [() => get.invalidateCacheByTags(['items'])] : [])];
    for (const invalidation of invalidations) {
      const error = await invalidation().then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ code: 'BREAKER_OPEN', key: expect.any(String) });
      expect((error as BackendError).message).toMatch(/^cached\(getItem\): backend \w+ not sent for key .+: the circuit breaker of FaultyBackend is open after 3 failed calls in a row$/);
      expect(((error as BackendError).cause as Error).message).toMatch(/injected failure/);
    }
    expect(faulty.calls).toBe(callsBefore);
  });

  it('is closed by one probe after openMs when the backend answers again, reported once', async () => {
    const subject = setUp({ tags });
    await openBreaker(subject);
    const { faulty, get, ofType, pass, runs } = subject;
    faulty.heal();
    pass(OPEN_MS - 1);
    const callsBefore = faulty.calls;
    await get(1);
    expect(faulty.calls).toBe(callsBefore);
    pass(1);
    // The probe is this call's first read (a read sent with it was refused, so this call stores nothing).
    await get(1);
    expect(faulty.calls).toBeGreaterThan(callsBefore);
    expect(ofType('breaker-close')).toEqual([{ type: 'breaker-close', function: 'cached(getItem)', key: expect.any(String), backend: 'FaultyBackend', openForMs: OPEN_MS }]);
    // Closed: the next call stores its value and the one after it is a hit.
    const stored = await get(1);
    expect(stored).toEqual({ id: 1, run: runs() });
    expect(await get(1)).toEqual(stored);
    expect(ofType('breaker-open')).toHaveLength(1);
    expect(ofType('breaker-close')).toHaveLength(1);
  });

  it('stays open after a failed probe without reporting a second opening, and a later probe closes it', async () => {
    const subject = setUp({ tags });
    await openBreaker(subject);
    const { faulty, get, ofType, reported, pass } = subject;
    pass(OPEN_MS);
    const callsBefore = faulty.calls;
    await get(1);
    // One probe, which failed: no other call of the user call reached the backend.
    expect(faulty.calls).toBe(callsBefore + 1);
    await Promise.all(Array.from({ length: 20 }, (_, i) => get(i)));
    expect(faulty.calls).toBe(callsBefore + 1);
    expect(ofType('breaker-open')).toHaveLength(1);
    expect(reported.filter((error) => error.code === 'BREAKER_OPEN')).toHaveLength(1);
    faulty.heal();
    pass(OPEN_MS);
    await get(1);
    expect(ofType('breaker-close')).toHaveLength(1);
    expect(ofType('breaker-close')[0]).toMatchObject({ openForMs: 2 * OPEN_MS });
  });
});

describe('the breaker and the rest of the guard', () => {
  it('rejects the reads of a strict function at once with BREAKER_OPEN while open', async () => {
    const subject = setUp({ strict: true });
    subject.faulty.alwaysThrow();
    for (let i = 0; i < 3; i++) await expect(subject.get(i)).rejects.toMatchObject({ code: 'E_CACHE_BACKEND' });
    const callsBefore = subject.faulty.calls;
    await expect(subject.get(1)).rejects.toMatchObject({ code: 'BREAKER_OPEN', operation: 'get', key: 'item:1' });
    expect(subject.faulty.calls).toBe(callsBefore);
  });

  it('counts calls cut at their bound as failures', async () => {
    const subject = setUp({ failures: 2, backendTimeoutMs: 20 });
    subject.faulty.hang();
    await subject.get(1);
    await subject.get(2);
    expect(subject.ofType('breaker-open')).toHaveLength(1);
    expect(subject.ofType('breaker-open')[0]).toMatchObject({ error: { message: expect.stringMatching(/no answer within 20 ms/) } });
    const callsBefore = subject.faulty.calls;
    const reportsBefore = subject.reported.length;
    // Had any of these waited for its bound, it would have been reported as a timeout.
    await Promise.all(Array.from({ length: 200 }, (_, i) => subject.get(i)));
    expect(subject.faulty.calls).toBe(callsBefore);
    expect(subject.reported).toHaveLength(reportsBefore);
  });

  it('does not open while failures alternate with answers', async () => {
    const subject = setUp();
    for (let i = 0; i < 10; i++) {
      subject.faulty.failNext(2);
      await subject.get(i); // the read fails
      await subject.get(i); // and again
      await subject.get(i); // answered
    }
    expect(subject.ofType('breaker-open')).toEqual([]);
  });

  it('is not opened by writes refused at once (a full server), while reads are answered', async () => {
    const subject = setUp({ tags: true });
    const refuse = () => Promise.reject(new Error('OOM command not allowed when used memory > maxmemory'));
    Object.assign(subject.faulty, { set: refuse, setMany: refuse, add: refuse });
    for (let i = 0; i < 10; i++) await subject.get(i);
    await expect(subject.get.invalidateCacheByTags(['items'])).rejects.toMatchObject({ code: 'E_CACHE_BACKEND' });
    expect(subject.ofType('backend-error').length).toBeGreaterThanOrEqual(10);
    expect(subject.ofType('breaker-open')).toEqual([]);
  });

  it('gives EASY_CACHE_DEBUG one line for the opening and one for the closing', async () => {
    const subject = setUp();
    await openBreaker(subject);
    subject.faulty.heal();
    subject.pass(OPEN_MS + 5);
    await subject.get(7);
    const lines = subject.events.filter((event) => event.type.startsWith('breaker-')).map(formatDebugLine);
    expect(lines).toEqual([
      '[easy-cache] BREAKER OPEN FaultyBackend after 3 failures in a row (cached(getItem) item:3): calls skip it for 2000 ms',
      '[easy-cache] BREAKER CLOSE FaultyBackend after 2005 ms (probe cached(getItem) item:7)',
    ]);
  });

  it('with breaker false, every call goes to the backend and waits for it', async () => {
    const subject = setUp({ breaker: false });
    subject.faulty.alwaysThrow();
    for (let i = 0; i < 10; i++) await subject.get(i);
    // Each call: its read, which failed; the write is skipped by the call itself.
    expect(subject.faulty.calls).toBe(10);
    expect(subject.ofType('breaker-open')).toEqual([]);
    expect(subject.ofType('backend-error')).toHaveLength(10);
  });
});
