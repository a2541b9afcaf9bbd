/**
 * MemcachedCache with `nearCache` on a server of this file's own (its command counts must be ours
 * alone): a near hit sends nothing; another instance's invalidation is seen within `ttlMs`, this
 * instance's own at once; a server that goes away never breaks the caller.
 */
import { cached, invalidateCacheKey, invalidateCacheTags } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { describeBackendContract } from '../../lib/testing';
import { eventually } from '../faults/fault-kit';
import { expectOptionRefused } from '../helpers/expect-option-refused';
import { eachTest, untilNearHit, untilOnly } from '../helpers/near-kit';
import { rawStats } from '../helpers/raw-memcached';
import { ControlledServer, canStart } from '../helpers/server-control';
import { uniquePrefix } from '../helpers/server-suites';

describe('MemcachedCache nearCache option', () => {
  it.each<[string, unknown, string]>([
    ['without ttlMs', {}, 'nearCache.ttlMs'],
    ['a ttlMs of 0', { ttlMs: 0 }, 'nearCache.ttlMs'],
    ['an infinite ttlMs', { ttlMs: Infinity }, 'nearCache.ttlMs'],
    ['a maxEntries of 1.5', { ttlMs: 100, maxEntries: 1.5 }, 'nearCache.maxEntries'],
    ['a misspelt option', { ttl: 100 }, 'nearCache.ttl'],
  ])('refuses a nearCache %s with a CacheConfigError naming the option', (_label, nearCache, option) => {
    expectOptionRefused(() => new MemcachedCache('127.0.0.1:1', { nearCache: nearCache as never }), option);
  });

  it('says why ttlMs is required', () => {
    expect(() => new MemcachedCache('127.0.0.1:1', { nearCache: {} as never })).toThrow(/ttlMs.*required: Memcached cannot tell other processes of a change/);
  });
});

const describeIfMemcached = canStart('memcached') ? describe : describe.skip;

describeIfMemcached('MemcachedCache with a near cache', () => {
  let server: ControlledServer;
  const each = eachTest();
  const opened = each.opened;

  const nearBackend = (prefix: string, ttlMs: number): MemcachedCache => {
    const backend = new MemcachedCache(server.address, { prefix, nearCache: { ttlMs } });
    opened.push(backend);
    return backend;
  };

  const counter = (backend: MemcachedCache) => {
    const state = { runs: 0 };
    const fn = cached(async (id: number) => `v${state.runs++}:${id}`, { cacheKey: 'item:{id}', tags: ['items'], cacheInstance: backend, onError: () => undefined });
    return { fn, state };
  };

  beforeAll(async () => {
    server = await ControlledServer.start('memcached');
  });


  afterAll(async () => {
    await server?.stop();
  });

  describeBackendContract('MemcachedCache with nearCache', () => new MemcachedCache(server.address, { prefix: uniquePrefix('near-contract'), nearCache: { ttlMs: 60_000 } }), {
    supportsClear: false,
  });

  it('answers a tagged hit without sending any command (server stats)', async () => {
    const { fn } = counter(nearBackend(uniquePrefix('mc-near-zero'), 60_000));
    await untilNearHit(() => fn(1), each.record);
    const before = await rawStats(server.address);
    for (let i = 0; i < 50; i++) expect(await fn(1)).toBe('v0:1');
    const after = await rawStats(server.address);
    for (const stat of ['cmd_get', 'cmd_set', 'cmd_touch']) expect(`${stat}=${after[stat]}`).toBe(`${stat}=${before[stat]}`);
  });

  it.each([
    ['key', (backend: MemcachedCache) => invalidateCacheKey('item:1', { cacheInstance: backend })],
    ['tag', (backend: MemcachedCache) => invalidateCacheTags('items', { cacheInstance: backend })],
  ])("sees another instance's invalidation by %s within ttlMs, its own at once", async (_by, invalidate) => {
    const prefix = uniquePrefix('mc-near-other');
    const here = nearBackend(prefix, 300);
    const there = nearBackend(prefix, 300);
    const { fn } = counter(here);
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await invalidate(there);
    await untilOnly(() => fn(1), 'v1:1', 'the invalidation made elsewhere was seen once ttlMs passed');
    await invalidate(here);
    expect(await fn(1)).toBe('v2:1');
  });

  it('never breaks the caller while the server is gone, and serves near hits again once it is back', async () => {
    const backend = nearBackend(uniquePrefix('mc-near-down'), 60_000);
    const { fn } = counter(backend);
    await untilNearHit(() => fn(1), each.record);
    await server.kill();
    try {
      // A near hit needs no server; a miss computes the value, reported, never thrown.
      expect(await fn(1)).toBe('v0:1');
      expect(await fn(2)).toMatch(/^v\d+:2$/);
    } finally {
      await server.startAgain();
    }
    await eventually('the server answers again', async () => (await fn(3)) !== undefined && each.record.types().includes('set'));
    await untilNearHit(() => fn(3), each.record, 'near hits after the outage');
  });
});
