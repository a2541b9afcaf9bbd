import { BackendError, CacheConfigError, MemoryCache, SerializationError, cached, caches, type CacheEvent, type ErrorInfo } from '../../lib';
import { CountingBackend } from '../helpers/counting-backend';
import { FaultyBackend } from '../helpers/faulty-backend';

function setUp(options: { backendTimeoutMs?: number } = {}) {
  const faulty = new FaultyBackend(new MemoryCache(), options);
  // Counts the calls that reach the faulty backend, to prove how many bounds a call waited for.
  const counting = new CountingBackend(faulty);
  const reported: { error: Error; info: ErrorInfo }[] = [];
  let runs = 0;
  const get = cached(async (id: number) => ({ id, run: ++runs }), {
    cacheKey: 'item:{id}',
    tags: ['items'],
    cacheInstance: counting,
    onError: (error, info) => reported.push({ error, info }),
  });
  return { faulty, counting, reported, get, runs: () => runs };
}

describe('a failing backend never breaks the caller', () => {
  it('runs the function uncached when reads throw, and reports a BackendError with its cause', async () => {
    const { faulty, reported, get, runs } = setUp();
    faulty.alwaysThrow();
    expect(await get(1)).toEqual({ id: 1, run: 1 });
    expect(await get(1)).toEqual({ id: 1, run: 2 });
    expect(runs()).toBe(2);
    expect(reported[0]?.error).toBeInstanceOf(BackendError);
    expect(reported[0]?.error.cause).toEqual(new Error('injected failure'));
    // The entry and its tag versions are read together; the first failure is reported.
    expect(reported[0]?.info).toMatchObject({ operation: 'getMany', key: 'tag:items', function: 'cached(anonymous function)' });
    // After the first failure a call goes on without the backend: one report per call.
    expect(reported).toHaveLength(2);
  });

  it('settles within one bound when the backend hangs', async () => {
    const { faulty, counting, reported, get } = setUp({ backendTimeoutMs: 40 });
    faulty.hang();
    const started = Date.now();
    expect(await get(1)).toEqual({ id: 1, run: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    // One round of reads (entry and tag versions together) cut at the bound, and no call after it.
    expect(counting.counts()).toEqual({ get: 1, getMany: 1 });
    expect(counting.calls.map((call) => call.pendingAtCall)).toEqual([0, 1]);
    // One report for the call: the read whose bound was passed first (both, cut in one sweep, give the tags' read;
    // a sweep that falls between the two deadlines, a millisecond apart on a busy machine, gives the entry's).
    expect(reported).toHaveLength(1);
    expect(reported[0]?.error.message).toMatch(/backend (getMany failed for key tag:items|get failed for key item:1): no answer within 40 ms/);
  });

  it('treats a bound longer than a timer can wait as no bound, instead of cutting every call at once', async () => {
    // Node fires a timer of more than 2^31 - 1 ms after 1 ms: a bound of 1e12 ms once did that.
    const { faulty, reported, get } = setUp({ backendTimeoutMs: 1e12 });
    await get(1);
    faulty.delay(30);
    expect(await get(1)).toEqual({ id: 1, run: 1 });
    expect(reported).toEqual([]);
  });

  it('returns the value when only the write fails, and reports it', async () => {
    const { faulty, reported, get } = setUp();
    await get(1);
    faulty.failNext(3);
    await get.invalidateCacheByTags().catch(() => undefined);
    faulty.heal();
    expect(await get(2)).toEqual({ id: 2, run: 2 });
    faulty.failNext(0);
    const writes = new FaultyBackend(new MemoryCache());
    const put = cached(async () => 'v', { cacheKey: 'w', cacheInstance: writes, onError: (e, info) => reported.push({ error: e, info }) });
    const setSpy = jest.spyOn(writes, 'set').mockRejectedValueOnce(new Error('disk full'));
    expect(await put()).toBe('v');
    expect(setSpy).toHaveBeenCalledTimes(1);
    expect(reported.at(-1)?.info.operation).toBe('set');
  });

  it('treats garbage from the backend as a miss, never a hit', async () => {
    const { faulty, reported, get } = setUp();
    await get(1);
    faulty.returnGarbage();
    expect(await get(1)).toEqual({ id: 1, run: 2 });
    expect(reported[0]?.error).toBeInstanceOf(SerializationError);
  });

  it('makes an entry a miss when its tag lookup fails', async () => {
    const inner = new MemoryCache();
    const faulty = new FaultyBackend(inner);
    let runs = 0;
    const get = cached(async () => ++runs, { cacheKey: 'tagged', tags: ['t'], cacheInstance: faulty, onError: () => undefined });
    await get();
    jest.spyOn(faulty, 'getMany').mockRejectedValueOnce(new Error('tag lookup failed'));
    expect(await get()).toBe(2);
  });

  it('rejects with BackendError in strict mode', async () => {
    const faulty = new FaultyBackend(new MemoryCache()).alwaysThrow();
    const get = cached(async () => 1, { cacheKey: 's', cacheInstance: faulty, strict: true, onError: () => undefined });
    await expect(get()).rejects.toBeInstanceOf(BackendError);
  });

  it('rejects an invalidation that cannot reach the backend', async () => {
    const { faulty, get } = setUp();
    faulty.alwaysThrow();
    await expect(get.invalidateCacheByKey(1)).rejects.toMatchObject({ code: 'E_CACHE_BACKEND', operation: 'delete' });
    await expect(get.invalidateCacheByTags()).rejects.toBeInstanceOf(BackendError);
  });

  it('reports a bad timeout-function result and stores nothing', async () => {
    const reported: Error[] = [];
    let runs = 0;
    const get = cached(async () => ++runs, { cacheKey: 'bad-timeout', timeout: () => NaN, cacheInstance: new MemoryCache(), onError: (e) => reported.push(e) });
    expect(await get()).toBe(1);
    expect(await get()).toBe(2);
    expect(reported[0]).toBeInstanceOf(CacheConfigError);
    expect(reported[0]?.message).toMatch(/timeout function must return .*; it returned NaN;/);
  });

  it('returns a value it cannot store (a function inside) and reports why', async () => {
    const reported: Error[] = [];
    let runs = 0;
    const events: string[] = [];
    const get = cached(async () => ({ run: ++runs, callback: () => 1 }), {
      cacheKey: 'fn-value',
      cacheInstance: new MemoryCache(),
      onError: (e) => reported.push(e),
      onEvent: (event) => events.push(event.type),
    });
    expect((await get()).run).toBe(1);
    expect(events).toEqual(['miss', 'backend-error']);
    expect((await get()).run).toBe(2);
    expect(reported[0]).toBeInstanceOf(SerializationError);
  });

  it('sends errors to caches.onError without a function handler, and warns at most once a second by default', async () => {
    const seen: string[] = [];
    caches.onError((error, info) => seen.push(`${info.operation}:${error.code}`));
    const faulty = new FaultyBackend(new MemoryCache()).alwaysThrow();
    const get = cached(async () => 1, { cacheKey: 'global', cacheInstance: faulty });
    await get();
    expect(seen).toEqual(['get:E_CACHE_BACKEND']);
    caches.onError(undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await get();
    await get();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/\[easy-cache\] cached\(anonymous function\): backend get failed for key global: injected failure/);
    warn.mockRestore();
  });

  it('emits backend-error events to the function and to global listeners', async () => {
    const own: CacheEvent[] = [];
    const global: CacheEvent[] = [];
    const unsubscribe = caches.onEvent((event) => global.push(event));
    const faulty = new FaultyBackend(new MemoryCache()).failNext(1);
    const get = cached(async () => 1, { cacheKey: 'ev', cacheInstance: faulty, onEvent: (e) => own.push(e), onError: () => undefined });
    await get();
    unsubscribe();
    expect(own.map((e) => e.type)).toEqual(['backend-error', 'miss']);
    expect(global.map((e) => e.type)).toEqual(['backend-error', 'miss']);
  });
});

describe('strict mode with tags read together with the entry', () => {
  it('rejects once with BackendError and leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const faulty = new FaultyBackend(new MemoryCache()).alwaysThrow();
    const get = cached(async (id: number) => id, { cacheKey: 'strict:{id}', tags: ['t:{id}'], cacheInstance: faulty, strict: true, onError: () => undefined });
    await expect(get(1)).rejects.toBeInstanceOf(BackendError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});

describe('one deadline for the calls made before the function runs', () => {
  it('gives the reads and tag creations of a miss one bound between them, so a slow backend cannot add up waits', async () => {
    const slow = new FaultyBackend(new MemoryCache(), { backendTimeoutMs: 100 }).delay(80);
    const counting = new CountingBackend(slow);
    const reported: ErrorInfo[] = [];
    let runs = 0;
    const get = cached(async (id: number) => ({ id, run: ++runs }), {
      cacheKey: 'slow:{id}',
      tags: ['slow-tag:{id}'],
      cacheInstance: counting,
      onError: (_error, info) => reported.push(info),
    });
    const started = Date.now();
    expect(await get(1)).toEqual({ id: 1, run: 1 });
    // get + getMany together take 80 ms; creating the missing tag would take 80 more, then the write
    // 80 more (240 ms without a deadline). The tag creation fails although 80 ms is within a bound of
    // its own: it was cut at the deadline, 100 ms after the start; and nothing was written after it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(reported.map((info) => info.operation)).toEqual(['add']);
    // Two adds, sent together: the tag's hard and soft versions (SPEC 11.2).
    expect(counting.counts()).toEqual({ get: 1, getMany: 1, add: 2 });
    slow.heal();
    expect(await get(1)).toEqual({ id: 1, run: 2 });
  });
});
