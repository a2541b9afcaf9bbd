/**
 * RedisCache with `nearCache` on a server of this file's own (FLUSHALL, CLIENT KILL and restarts
 * must not reach the shared server): a near hit sends nothing; changes made anywhere (another
 * instance, a raw SET or DEL, FLUSHALL) reach the near cache; when a link connection is killed or
 * the server restarts or freezes, the near cache is cleared and bypassed, never serving an old
 * value, and near hits resume once tracking is back.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { cached, invalidateCacheKey, invalidateCachePrefix, invalidateCacheTags, type CacheEvent } from '../../lib';
import { RedisCache } from '../../lib/backends/redis';
import { describeBackendContract } from '../../lib/testing';
import { eventually } from '../faults/fault-kit';
import { expectOptionRefused } from '../helpers/expect-option-refused';
import { commandCounts, eachTest, commandsBetween, connectionIds, untilNearHit, untilOnly } from '../helpers/near-kit';
import { ControlledServer, canStart } from '../helpers/server-control';
import { uniquePrefix } from '../helpers/server-suites';
import { TcpProxy } from '../helpers/tcp-proxy';
import { logCommands } from '../setup/redis-command-log';
import { flightsOf } from '../../lib/call/flight';
import { deferred } from '../helpers/deferred';
import { NOT_FOUND } from '../../lib';

describe('RedisCache nearCache option', () => {
  const client = new Redis({ lazyConnect: true });
  afterAll(() => client.disconnect());

  it.each<[string, unknown, string]>([
    ['not an object', 5, 'nearCache'],
    ['a maxEntries of 0', { maxEntries: 0 }, 'nearCache.maxEntries'],
    ['a copy given as text', { copy: 'yes' }, 'nearCache.copy'],
    ['a ttlMs (Redis pushes changes instead)', { ttlMs: 100 }, 'nearCache.ttlMs'],
  ])('refuses %s with a CacheConfigError naming the option', (_label, nearCache, option) => {
    expectOptionRefused(() => new RedisCache(client, { nearCache: nearCache as never }), option);
  });
});

const describeIfRedis = canStart('redis') ? describe : describe.skip;

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Invalidates `tags` from a process of its own, as another instance of the service would. */
async function invalidateInAnotherProcess(address: string, prefix: string, tags: string[]): Promise<void> {
  const order = JSON.stringify({ kind: 'redis', addresses: [address], prefix, tags });
  const script = path.join(REPO_ROOT, '__tests__', 'helpers', 'invalidate-elsewhere.ts');
  const tsNode = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
  await promisify(execFile)(process.execPath, [tsNode, '--transpile-only', script, order], { cwd: REPO_ROOT, timeout: 60_000 });
}

describeIfRedis('RedisCache with a near cache', () => {
  let server: ControlledServer;
  let admin: Redis;
  const each = eachTest();
  const opened = each.opened;
  const keptOpen: Array<{ close(): Promise<void> | void }> = [];

  /** A client of this file's server (or of a proxy's `port`), closed after the test unless `kept` (then after all of them). */
  const connect = (kept = false, port = server.port): Redis => {
    const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: (n: number) => Math.min(n * 50, 500) });
    redis.on('error', () => undefined);
    (kept ? keptOpen : opened).push({ close: () => redis.disconnect() });
    return redis;
  };

  /** A near-cached backend on a client of its own, once tracking is on. */
  const nearBackend = async (prefix: string, copy?: boolean, port = server.port): Promise<RedisCache> => {
    const backend = new RedisCache(connect(false, port), { prefix, nearCache: copy === undefined ? {} : { copy } });
    opened.unshift(backend);
    await eventually('tracking is on', () => backend.nearCacheState === 'trusted');
    return backend;
  };

  /** A cached function over `backend` whose value says how many times it ran (`v0`, `v1`, ...). */
  const counter = (backend: RedisCache, options: Record<string, unknown> = {}) => {
    const state = { runs: 0 };
    const fn = cached(async (id: number) => `v${state.runs++}:${id}`, { cacheKey: 'item:{id}', cacheInstance: backend, onError: () => undefined, ...options });
    return { fn, state };
  };

  beforeAll(async () => {
    server = await ControlledServer.start('redis');
    admin = connect(true);
  }, 30_000);


  afterAll(async () => {
    for (const each of keptOpen) await each.close();
    await server?.stop();
  });

  describeBackendContract('RedisCache with nearCache', () => new RedisCache(connect(true), { prefix: uniquePrefix('near-contract'), nearCache: {} }));

  it('answers a hit, tagged or not, without sending any command (server command stats and the client log)', async () => {
    const backend = await nearBackend(uniquePrefix('near-zero'));
    const plain = counter(backend);
    const tagged = cached(async (id: number) => ({ id, name: `item ${id}` }), {
      cacheKey: 'tagged:{id}',
      tags: ['a', 'b:{id}', 'c'],
      cacheInstance: backend,
    });
    await untilNearHit(() => plain.fn(1), each.record, 'an untagged near hit');
    await untilNearHit(() => tagged(1), each.record, 'a tagged near hit');
    const log = logCommands(backend.client);
    const before = await commandCounts(admin);
    for (let i = 0; i < 50; i++) {
      expect(await plain.fn(1)).toBe('v0:1');
      expect(await tagged(1)).toEqual({ id: 1, name: 'item 1' });
    }
    const after = await commandCounts(admin);
    log.stop();
    expect(log.sent()).toEqual([]);
    // INFO is this test's own; PING and CLIENT (TRACKINGINFO) are the link's checks, once a second.
    expect(commandsBetween(before, after, ['info', 'ping', 'client|trackinginfo'])).toEqual({});
    const hits = each.record.events.filter((event): event is Extract<CacheEvent, { type: 'hit' }> => event.type === 'hit');
    expect(hits.slice(-100).every((event) => event.tier === 'near')).toBe(true);
  });

  it('built from connection details, closes its own client and its link connections in close()', async () => {
    const backend = new RedisCache({ host: '127.0.0.1', port: server.port }, { prefix: uniquePrefix('near-owned'), nearCache: {} });
    await eventually('tracking is on', () => backend.nearCacheState === 'trusted');
    await backend.set('k', 'v');
    expect(await backend.get('k')).toBe('v');
    await backend.close();
    await eventually('the link connections are gone', async () => (await connectionIds(admin, 'easy-cache:near-tracker')).length === 0);
    expect(backend.client.status).toBe('end');
    expect(backend.nearCacheState).toBe('bypassed');
    await expect(backend.get('k')).rejects.toThrow();
  });

  it('reports a server that refuses tracking once, reads from Redis meanwhile, and starts when it is allowed', async () => {
    await admin.call('ACL', 'SETUSER', 'default', '-client|tracking');
    const prefix = uniquePrefix('near-refused');
    const backend = new RedisCache(connect(), { prefix, nearCache: {} });
    opened.unshift(backend);
    try {
      await eventually('the refusal is reported', () => each.record.types().includes('near-cache-bypassed'));
      const refusal = each.record.events.find((event) => event.type === 'near-cache-bypassed');
      expect(refusal).toMatchObject({ reason: expect.stringContaining('tracking could not be set up') });
      const { fn } = counter(backend);
      expect(await fn(1)).toBe('v0:1');
      expect(await fn(1)).toBe('v0:1');
      expect(backend.nearCacheState).toBe('bypassed');
      // Retried with a growing pause: reported once, not at every attempt.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(each.record.types().filter((type) => type === 'near-cache-bypassed')).toHaveLength(1);
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+client|tracking');
    }
    await eventually('tracking is on once allowed', () => backend.nearCacheState === 'trusted', 10_000);
  });

  it('hands out copies by default, and the same object with copy: false', async () => {
    const copying = await nearBackend(uniquePrefix('near-copy'));
    const sharing = await nearBackend(uniquePrefix('near-share'), false);
    const make = (backend: RedisCache) => cached(async () => ({ list: [1, 2] }), { cacheKey: 'obj', cacheInstance: backend });
    const a = make(copying);
    const b = make(sharing);
    const first = await untilNearHit(() => a(), each.record);
    first.list.push(3);
    expect(await a()).toEqual({ list: [1, 2] });
    const shared = await untilNearHit(() => b(), each.record);
    expect(await b()).toBe(shared);
  });

  it('copies what a tagged near hit hands out, plain data or not (a Date), so a caller never changes what is held', async () => {
    const copying = await nearBackend(uniquePrefix('near-copy-tagged'));
    const plain = cached(async () => ({ list: [1, 2] }), { cacheKey: 'plain', tags: ['objs'], cacheInstance: copying });
    const dated = cached(async () => ({ list: [1, 2], at: new Date(0) }), { cacheKey: 'dated', tags: ['objs'], cacheInstance: copying });
    for (const fn of [plain, dated]) {
      const first: { list: number[]; at?: Date } = await untilNearHit(() => fn(), each.record);
      first.list.push(3);
      first.at?.setTime(5);
      const second = await untilNearHit(() => fn(), each.record);
      expect(second).not.toBe(first);
      expect(second).toEqual(fn === plain ? { list: [1, 2] } : { list: [1, 2], at: new Date(0) });
    }
  });

  it.each([
    ['key', (backend: RedisCache) => invalidateCacheKey('shelf:item:1', { cacheInstance: backend })],
    ['tag', (backend: RedisCache) => invalidateCacheTags('items', { cacheInstance: backend })],
    ['prefix', (backend: RedisCache) => invalidateCachePrefix('shelf', { cacheInstance: backend })],
  ])("reaches the near cache when another instance invalidates by %s", async (_by, invalidate) => {
    const prefix = uniquePrefix('near-other');
    const here = await nearBackend(prefix);
    const there = await nearBackend(prefix);
    const { fn } = counter(here, { tags: ['items'], prefix: 'shelf' });
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await invalidate(there);
    await untilOnly(() => fn(1), 'v1:1', 'the invalidation made elsewhere reached the near cache');
  });

  it("reaches the near cache when another process invalidates a tag", async () => {
    const prefix = uniquePrefix('near-process');
    const { fn } = counter(await nearBackend(prefix), { tags: ['items'] });
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await invalidateInAnotherProcess(server.address, prefix, ['items']);
    await untilOnly(() => fn(1), 'v1:1', "the other process's invalidation reached the near cache");
  }, 60_000);

  it.each([
    ['a raw SET', (redis: Redis, key: string) => redis.set(key, 'not an entry')],
    ['a raw DEL', (redis: Redis, key: string) => redis.del(key)],
  ])('reaches the near cache after %s of the key', async (_what, change) => {
    const prefix = uniquePrefix('near-raw');
    const { fn } = counter(await nearBackend(prefix));
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await change(admin, `${prefix}:item:1`);
    await untilOnly(() => fn(1), 'v1:1', 'the raw change reached the near cache');
  });

  it('forgets at once what this process invalidates or writes', async () => {
    const backend = await nearBackend(uniquePrefix('near-own'));
    const { fn } = counter(backend, { tags: ['items'] });
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await invalidateCacheTags('items', { cacheInstance: backend });
    expect(await fn(1)).toBe('v1:1');
    await backend.set('item:2', 'own write');
    expect(await backend.get('item:2')).toBe('own write');
    await backend.delete('item:2');
    expect(await backend.get('item:2')).toBe(Symbol.for('easy-cache.NOT_FOUND'));
  });

  it('fences a computation of a key that another instance invalidates while it runs (SPEC 11.9)', async () => {
    const prefix = uniquePrefix('near-fence');
    const here = await nearBackend(prefix);
    const there = await nearBackend(prefix);
    const gate = deferred();
    const state = { runs: 0 };
    const fn = cached(
      async () => {
        state.runs++;
        if (state.runs === 2) await gate.promise;
        return `run ${state.runs}`;
      },
      { cacheKey: 'slow', cacheInstance: here },
    );
    expect(await fn()).toBe('run 1');
    // A refresh computes again while the entry exists; another instance deletes it meanwhile (a
    // DEL of a key that holds nothing changes nothing, and Redis pushes nothing for it).
    const refreshing = fn.refreshCache();
    await eventually('the computation runs', () => state.runs === 2);
    await invalidateCacheKey('slow', { cacheInstance: there });
    await eventually('the push fenced the running computation', () => !flightsOf(here).has('slow'));
    gate.resolve();
    expect(await refreshing).toBe('run 2');
    expect(await there.get('slow')).toBe(NOT_FOUND);
    expect(await fn()).toBe('run 3');
  });

  it('checks a near hit as any hit: version, schema and freshness', async () => {
    const backend = await nearBackend(uniquePrefix('near-checks'));
    const v1 = cached(async () => 'one', { cacheKey: 'shape', cacheInstance: backend, version: '1' });
    await untilNearHit(() => v1(), each.record);
    const v2 = cached(async () => 'two', { cacheKey: 'shape', cacheInstance: backend, version: '2' });
    const from = each.record.events.length;
    expect(await v2()).toBe('two');
    expect(each.record.events.slice(from)).toContainEqual(expect.objectContaining({ type: 'miss', reason: 'version' }));

    const numbers = cached(async () => 'text', { cacheKey: 'schema', cacheInstance: backend });
    await untilNearHit(() => numbers(), each.record);
    const refusing = { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => (typeof value === 'number' ? { value } : { issues: [{ message: 'not a number' }] }) } } as const;
    const checked = cached(async () => 7, { cacheKey: 'schema', cacheInstance: backend, schema: refusing, onError: () => undefined });
    const before = each.record.events.length;
    expect(await checked()).toBe(7);
    expect(each.record.events.slice(before)).toContainEqual(expect.objectContaining({ type: 'miss', reason: 'schema' }));

    const state = { runs: 0 };
    // Fresh for 1 s: the few calls (20 ms apart) that reach a near hit fit in it on a loaded machine too.
    const graced = cached(async () => `run ${state.runs++}`, { cacheKey: 'fresh', cacheInstance: backend, timeout: 1, grace: 60, onError: () => undefined });
    const served = await untilNearHit(() => graced(), each.record);
    // Past its freshness the near copy is stale: the function runs again, as after a remote read.
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(await graced()).not.toBe(served);
  });

  it.each(['tracker', 'subscriber'])('clears and bypasses the near cache when the %s connection is killed, then resumes', async (role) => {
    const prefix = uniquePrefix(`near-kill-${role}`);
    const backend = await nearBackend(prefix);
    const { fn } = counter(backend);
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    const [id] = await connectionIds(admin, `easy-cache:near-${role}`);
    // Killed and the key changed in one round trip: no push for the change can reach this process.
    await admin.pipeline().client('KILL', 'ID', id as string).del(`${prefix}:item:1`).exec();
    await untilOnly(() => fn(1), 'v1:1', 'the change made while the link was down is seen');
    await eventually('bypassed, then restored', () => each.record.types().includes('near-cache-bypassed') && each.record.types().includes('near-cache-restored'));
    const bypassed = each.record.events.find((event) => event.type === 'near-cache-bypassed');
    expect(bypassed).toMatchObject({ function: `RedisCache(${prefix})`, key: `${prefix}:` });
    expect(await untilNearHit(() => fn(1), each.record, 'near hits resume')).toBe('v1:1');
  });

  it('clears the near cache on FLUSHALL', async () => {
    const { fn } = counter(await nearBackend(uniquePrefix('near-flush')));
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await admin.flushall();
    await untilOnly(() => fn(1), 'v1:1', 'the flush reached the near cache');
  });

  it('clears the near cache when the server restarts, serves through the outage, and resumes', async () => {
    const backend = await nearBackend(uniquePrefix('near-restart'));
    const { fn } = counter(backend);
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await server.restart();
    // The data is gone with the old server: the value is computed again, and never the old one served.
    await untilOnly(() => fn(1), 'v1:1', 'the restart cleared the near cache');
    await eventually('tracking is back', () => backend.nearCacheState === 'trusted', 10_000);
    expect(await untilNearHit(() => fn(1), each.record, 'near hits resume')).toBe('v1:1');
  });

  it('bypasses the near cache while the server is frozen, and resumes when it answers again', async () => {
    // Frozen by a proxy that holds every byte, as a stopped server would (tcp-proxy.ts says why not SIGSTOP).
    const proxy = await TcpProxy.start(server.port);
    opened.push(proxy);
    const backend = await nearBackend(uniquePrefix('near-freeze'), undefined, proxy.port);
    const { fn } = counter(backend);
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    proxy.hold();
    try {
      await eventually('the frozen server was noticed', () => backend.nearCacheState === 'bypassed', 10_000);
    } finally {
      proxy.pass();
    }
    await eventually('tracking is back', () => backend.nearCacheState === 'trusted', 10_000);
    expect(await untilNearHit(() => fn(1), each.record, 'near hits resume')).toBe('v0:1');
  });
});
