/**
 * Writes the server refuses: Redis at its memory limit with `noeviction`, and a Memcached value
 * over its 1 MB item limit. The caller gets its value, the failure is reported as a
 * `BackendError`, nothing is left unhandled; strict mode and invalidations reject.
 */
import Redis from 'ioredis';
import { BackendError, ValueTooLargeError, cached, type EasyCacheError, type ErrorInfo } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { ControlledServer, canStart } from '../helpers/server-control';
import { describeWithMemcached, uniquePrefix } from '../helpers/server-suites';
import { timed, watchUnhandledRejections } from './fault-kit';

const unhandled = watchUnhandledRejections();
afterAll(() => unhandled.stop());
afterEach(() => expect(unhandled.seen).toEqual([]));

const describeIfRedis = canStart('redis') ? describe : describe.skip;
if (!canStart('redis')) console.warn('!! Redis memory-limit tests SKIPPED: redis-server is not on the PATH');

describeIfRedis('Redis at its memory limit (maxmemory 1mb, noeviction)', () => {
  let server: ControlledServer;
  let raw: Redis;
  let backend: RedisCache;
  const prefix = uniquePrefix('oom');

  beforeAll(async () => {
    server = await ControlledServer.start('redis', ['--maxmemory', '1mb', '--maxmemory-policy', 'noeviction']);
    raw = new Redis({ host: '127.0.0.1', port: server.port });
    backend = new RedisCache({ host: '127.0.0.1', port: server.port }, { prefix, backendTimeoutMs: 500 });
    // An empty redis-server already uses about 1 MB: lift the limit while one entry is stored (to
    // read back once memory is full), then put the 1 MB limit back.
    await raw.config('SET', 'maxmemory', '0');
    await cached(async () => 'stored early', { cacheKey: 'early', tags: ['early'], cacheInstance: backend })();
    await raw.config('SET', 'maxmemory', '1mb');
    const filler = 'f'.repeat(16 * 1024);
    for (let i = 0; i < 1000; i++) {
      const refused = await raw.set(`filler:${i}`, filler).then(
        () => false,
        (error: Error) => /OOM/.test(error.message),
      );
      if (refused) return;
    }
    throw new Error('redis never refused a write: is maxmemory in force?');
  });

  afterAll(async () => {
    raw?.disconnect();
    await backend?.close();
    await server?.stop();
  });

  it('returns the value of a call whose write is refused, and reports the OOM as a BackendError', async () => {
    const reported: { error: EasyCacheError; info: ErrorInfo }[] = [];
    let runs = 0;
    const get = cached(async (id: number) => ({ id, run: ++runs, payload: 'p'.repeat(4096) }), {
      cacheKey: 'big:{id}',
      cacheInstance: backend,
      onError: (error, info) => reported.push({ error, info }),
    });
    const first = await timed(() => get(1));
    expect(first.error).toBeUndefined();
    expect(first.value?.run).toBe(1);
    expect((await get(1)).run).toBe(2);
    expect(reported.map(({ info }) => info.operation)).toEqual(['set', 'set']);
    const error = reported[0]?.error;
    expect(error).toBeInstanceOf(BackendError);
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(/OOM/);
  });

  it('still serves entries stored before memory ran out', async () => {
    let runs = 0;
    const get = cached(async () => `computed ${++runs}`, { cacheKey: 'early', tags: ['early'], cacheInstance: backend });
    expect(await get()).toBe('stored early');
    expect(runs).toBe(0);
  });

  it('creates no tag (refused add) yet returns the value, and rejects tag invalidations and strict calls', async () => {
    const reported: EasyCacheError[] = [];
    const get = cached(async (id: number) => id + 1, {
      cacheKey: 't:{id}',
      tags: ['fresh-tag:{id}'],
      cacheInstance: backend,
      onError: (error) => reported.push(error),
    });
    expect(await get(1)).toBe(2);
    expect(reported[0]).toBeInstanceOf(BackendError);
    const invalidation = await timed(() => get.invalidateCacheByTags(undefined, 1));
    expect(invalidation.error).toBeInstanceOf(BackendError);
    expect(String(((invalidation.error as BackendError).cause as Error).message)).toMatch(/OOM/);
    const strict = cached(async () => 'v', { cacheKey: 'strict', cacheInstance: backend, strict: true, onError: () => undefined });
    await expect(strict()).rejects.toBeInstanceOf(BackendError);
  });

  it('deletes by key even when memory is full (DEL is allowed under noeviction)', async () => {
    const get = cached(async () => 'x', { cacheKey: 'early', tags: ['early'], cacheInstance: backend });
    await expect(get.invalidateCacheByKey()).resolves.toBeUndefined();
  });
});

describeWithMemcached('a Memcached value over the 1 MB item limit', (addresses) => {
  const backend = new MemcachedCache(addresses[0] as string, { prefix: uniquePrefix('big'), backendTimeoutMs: 1000 });
  // maxItemBytes above the server's real item size (-I 1m): only the server refuses what is too large.
  const lenient = new MemcachedCache(addresses[0] as string, { prefix: uniquePrefix('big2'), backendTimeoutMs: 1000, maxItemBytes: 2 * 1024 * 1024 });
  afterAll(async () => {
    await backend.close();
    await lenient.close();
  });

  it('returns the value, reports the refused write once with its size, and keeps the connection usable', async () => {
    const reported: { error: EasyCacheError; info: ErrorInfo }[] = [];
    let runs = 0;
    const huge = cached(async () => ({ run: ++runs, text: 'x'.repeat(1536 * 1024) }), {
      cacheKey: 'huge',
      cacheInstance: backend,
      onError: (error, info) => reported.push({ error, info }),
    });
    const first = await timed(() => huge());
    expect(first.error).toBeUndefined();
    expect(first.value?.run).toBe(1);
    expect(first.value?.text).toHaveLength(1536 * 1024);
    expect((await huge()).run).toBe(2);
    // The backend refuses values over the item size before sending them; reported once per function.
    expect(reported.map(({ info }) => info.operation)).toEqual(['set']);
    expect(reported[0]?.error).toBeInstanceOf(ValueTooLargeError);
    expect(reported[0]?.error.message).toMatch(/not stored: it takes 1\.5 MiB \(\d+ bytes\), and a memcached item of 1 MiB \(1048576 bytes, option "maxItemBytes"\)/);
    // Calls after the refused write are answered normally on the same client.
    let small = 0;
    const tiny = cached(async () => ++small, { cacheKey: 'tiny', cacheInstance: backend, onError: (error) => reported.push({ error, info: { operation: 'x', key: undefined, function: '' } }) });
    expect(await tiny()).toBe(1);
    expect(await tiny()).toBe(1);
    expect(reported).toHaveLength(1);
  });

  it('returns the value when the server itself refuses an item the backend let through', async () => {
    const reported: EasyCacheError[] = [];
    let runs = 0;
    const nearly = cached(async () => ({ run: ++runs, text: 'y'.repeat(1024 * 1024 - 64) }), {
      cacheKey: 'nearly',
      cacheInstance: lenient,
      onError: (error) => reported.push(error),
    });
    expect((await nearly()).run).toBe(1);
    expect((await nearly()).run).toBe(2);
    expect(reported).toHaveLength(2);
    expect(reported[0]).toBeInstanceOf(BackendError);
    expect(reported[0]?.message).toMatch(/did not store|SERVER_ERROR|too large/i);
    // The server's refusal is about the item, not the connection: no outage is reported.
    expect(lenient.connectionProblem).toBeUndefined();
    let small = 0;
    const tiny = cached(async () => ++small, { cacheKey: 'tiny-2', cacheInstance: lenient });
    expect(await tiny()).toBe(1);
    expect(await tiny()).toBe(1);
  });
});
