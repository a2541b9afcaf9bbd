/**
 * Soft invalidation at its edges (SPEC 11.2, 4, 9, 11.9), on every backend: a value computed
 * across one is stored as stale, never as fresh; a call after one never joins the computation
 * under way; a tagged hit still reads both versions of every tag in one round trip; the helpers
 * keep their twins' argument rules; and an expire that cannot reach the backend rejects.
 */
import Redis from 'ioredis';
import {
  BackendError,
  CacheConfigError,
  CacheKeyError,
  cached,
  cachedMethod,
  expireCacheKey,
  expireCachePrefix,
  expireCacheTags,
  type CacheEvent,
  type CacheInstance,
} from '../../lib';
import { RedisCache } from '../../lib/backends/redis';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { CountingBackend } from '../helpers/counting-backend';
import { deferred, waitFor } from '../helpers/deferred';
import { FaultyBackend } from '../helpers/faulty-backend';
import { describeWithRedis, serverAddresses, uniquePrefix } from '../helpers/server-suites';
import { logCommands } from '../setup/redis-command-log';
import { WAYS, type Way } from './soft-subjects';

let serial = 0;

/** A function whose first run waits for `gate`; it returns the source's value as read when it started. */
function pausable(backend: CacheInstance, lifetime: { timeout: number; grace?: number }) {
  const n = `${process.pid}-${++serial}`;
  const gate = deferred();
  const state = { value: 1, fail: false, runs: 0, events: [] as CacheEvent[] };
  const fn = cached(
    async (id: number) => {
      state.runs += 1;
      const run = state.runs;
      const value = state.value;
      if (run === 1) await gate.promise;
      if (state.fail) throw new Error('source down');
      return { id, value };
    },
    {
      ...lifetime,
      cacheKey: `edge-${n}:{id}`,
      tags: [`edge-tag-${n}:{id}`],
      prefix: `edge-prefix-${n}:{id}`,
      cacheInstance: backend,
      onError: () => undefined,
      onEvent: (event) => state.events.push(event),
    },
  );
  const expire = (way: Way): Promise<void> => {
    if (way === 'key') return fn.expireCacheByKey(1);
    if (way === 'tags') return fn.expireCacheByTags(undefined, 1);
    return fn.expireCacheByPrefix(1);
  };
  return { fn, gate, state, expire };
}

describeOnBackends('soft invalidation edges on %s', ALL_BACKENDS, { label: 'soft-edges' }, (under) => {
  it.each(WAYS)('by %s: a value computed across an expire is stored as stale, never as fresh', async (way) => {
    const { fn, gate, state, expire } = pausable(under().backend, { timeout: 60, grace: 60 });
    const first = fn(1);
    await waitFor(() => state.runs === 1, 0);
    await expire(way);
    gate.resolve();
    // The caller that started before the expire gets its value.
    await expect(first).resolves.toEqual({ id: 1, value: 1 });
    state.fail = true;
    const from = state.events.length;
    // Stored (it is the fallback) but stale (the function ran again, no hit).
    await expect(fn(1)).resolves.toEqual({ id: 1, value: 1 });
    expect(state.runs).toBe(2);
    const seen = state.events.slice(from).map((event) => (event.type === 'stale' ? `stale:${event.reason}` : event.type));
    expect(seen).toContain('stale:error');
    expect(seen).not.toContain('hit');
  });

  it.each(WAYS)('by %s, without grace: a value computed across an expire is never a hit', async (way) => {
    const { fn, gate, state, expire } = pausable(under().backend, { timeout: 60 });
    const first = fn(1);
    await waitFor(() => state.runs === 1, 0);
    await expire(way);
    state.value = 2;
    gate.resolve();
    await expect(first).resolves.toEqual({ id: 1, value: 1 });
    await expect(fn(1)).resolves.toEqual({ id: 1, value: 2 });
    expect(state.runs).toBe(2);
  });

  it.each(WAYS)('by %s: a call after an expire never joins the computation under way', async (way) => {
    const { fn, gate, state, expire } = pausable(under().backend, { timeout: 60, grace: 60 });
    const first = fn(1);
    await waitFor(() => state.runs === 1, 0);
    await expire(way);
    state.value = 2;
    await expect(fn(1)).resolves.toEqual({ id: 1, value: 2 });
    gate.resolve();
    await expect(first).resolves.toEqual({ id: 1, value: 1 });
    // Whichever write landed last, the older value is never a hit: the next call gets 2.
    await expect(fn(1)).resolves.toEqual({ id: 1, value: 2 });
  });

  it.each(WAYS)('by %s, then a hard key invalidation: the computation let go of by the expire is still fenced', async (way) => {
    const { fn, gate, state, expire } = pausable(under().backend, { timeout: 60, grace: 60 });
    const first = fn(1);
    await waitFor(() => state.runs === 1, 0);
    await expire(way);
    await fn.invalidateCacheByKey(1);
    gate.resolve();
    await expect(first).resolves.toEqual({ id: 1, value: 1 });
    // Not stored: nothing is left to fall back on after the hard invalidation.
    state.fail = true;
    await expect(fn(1)).rejects.toThrow(/source down/);
  });

  it('a tagged hit reads the hard and soft versions of every tag in the one getMany', async () => {
    const counting = new CountingBackend(under().backend);
    const fn = cached(async (id: number) => ({ id }), {
      cacheKey: `rt-${++serial}:{id}`,
      tags: ['rt-a:{id}', 'rt-b'],
      prefix: `rt-p-${serial}`,
      timeout: 60,
      grace: 60,
      cacheInstance: counting,
    });
    await fn(1);
    await fn.expireCacheByTags(undefined, 1);
    await fn(1);
    counting.reset();
    await fn(1);
    expect(counting.counts()).toEqual({ get: 1, getMany: 1 });
    const read = counting.calls.find((call) => call.op === 'getMany');
    const tagKeys = ['tag:rt-a:1', 'tag:rt-b', `tag:rt-p-${serial}`];
    expect([...(read?.keys ?? [])].sort()).toEqual([...tagKeys, ...tagKeys.map((key) => key.replace('tag:', 'tag-soft:'))].sort());
  });

  it.each(['alwaysThrow', 'hang'] as const)('every expire rejects with BackendError when the backend %s', async (fault) => {
    const faulty = new FaultyBackend(under().backend, { backendTimeoutMs: 100 });
    const fn = cached(async (id: number) => id, { cacheKey: `down-${++serial}:{id}`, tags: ['down:{id}'], prefix: 'down-p:{id}', timeout: 60, grace: 60, cacheInstance: faulty, onError: () => undefined });
    await fn(1);
    if (fault === 'hang') faulty.hang();
    else faulty.alwaysThrow();
    const options = { cacheInstance: faulty, backendTimeoutMs: 100 };
    for (const expire of [
      () => fn.expireCacheByKey(1),
      () => fn.expireCacheByTags(undefined, 1),
      () => fn.expireCacheByPrefix(1),
      () => expireCacheKey(fn.getCacheKey(1), options),
      () => expireCacheTags(['down:1'], options),
      () => expireCachePrefix('down-p:1', options),
    ]) {
      await expect(expire()).rejects.toBeInstanceOf(BackendError);
    }
    faulty.heal();
  });

  it('the expire helpers keep their invalidate twins’ argument rules, and a refused call changes nothing', async () => {
    let runs = 0;
    const fn = cached(async (id: number, kind: string) => `${id}:${kind}:${++runs}`, { cacheKey: 'args:{id}:{kind}', tags: ['args:{id}'], prefix: 'args-p:{id}', timeout: 60, grace: 60, cacheInstance: under().backend });
    expect(await fn(1, 'a')).toBe('1:a:1');
    const loose = fn as unknown as Record<string, (...args: unknown[]) => Promise<void>>;
    for (const [helper, args, parameter] of [
      ['ByKey', [1], 'kind'],
      ['ByTags', [undefined], 'id'],
      ['ByPrefix', [], 'id'],
    ] as const) {
      const twin = await loose[`invalidateCache${helper}`]?.(...args).catch((error: unknown) => error);
      const soft = await loose[`expireCache${helper}`]?.(...args).catch((error: unknown) => error);
      expect(twin).toBeInstanceOf(CacheKeyError);
      expect(soft).toBeInstanceOf(CacheKeyError);
      expect(soft).toMatchObject({ parameter });
    }
    // Still fresh: a hit, no run.
    expect(await fn(1, 'a')).toBe('1:a:1');
    class Shop {
      async list(page: number): Promise<number> {
        return page;
      }
    }
    const handle = cachedMethod(Shop, 'list', { cacheKey: 'shop-args:{page}', cacheInstance: under().backend });
    await expect((handle.expireCacheByKey as (scope: unknown) => Promise<void>)(new Shop())).rejects.toMatchObject({ parameter: 'page' });
    await expect(handle.expireCacheByPrefix(new Shop())).rejects.toThrow(CacheConfigError);
    await expect(handle.expireCacheByPrefix(new Shop())).rejects.toThrow(/expireCacheByPrefix needs option "prefix"/);
    // Without tags, as for the twin, there is nothing to expire.
    await expect(handle.expireCacheByTags(undefined, new Shop())).resolves.toBeUndefined();
  });

  it.each<[string, (on: CacheInstance) => Promise<void>, string]>([
    ['an empty key', (on) => expireCacheKey('', { cacheInstance: on }), 'key'],
    ['a key that is not a string', (on) => expireCacheKey(5 as never, { cacheInstance: on }), 'key'],
    ['no tags', (on) => expireCacheTags([], { cacheInstance: on }), 'tags'],
    ['an empty tag', (on) => expireCacheTags(['a', ''], { cacheInstance: on }), 'tags'],
    ['an empty prefix', (on) => expireCachePrefix('', { cacheInstance: on }), 'prefix'],
    ['both cacheAlias and cacheInstance', (on) => expireCacheKey('k', { cacheAlias: 'x', cacheInstance: on }), 'cacheAlias'],
    ['an unknown alias', () => expireCacheTags('t', { cacheAlias: 'no-such-alias' }), ''],
    ['a misspelt option', (on) => expireCachePrefix('p', { cacheInstance: on, cacheAlais: 'x' } as never), 'cacheAlais'],
  ])('free functions: %s is a CacheConfigError', async (_, run, option) => {
    const error = await run(under().backend).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CacheConfigError);
    if (option) expect(error).toMatchObject({ option });
  });
});

describeWithRedis('soft invalidation on Redis, counted in commands', () => {
  let raw: Redis;
  let cache: RedisCache;
  // Built in beforeAll, not at collection: a run filtered to other tests then opens no socket.
  beforeAll(() => {
    const [host, port] = (serverAddresses('redis')[0] as string).split(':');
    raw = new Redis({ host, port: Number(port) });
    cache = new RedisCache(raw, { prefix: uniquePrefix('soft-commands') });
  });
  afterAll(async () => {
    await cache.clear();
    raw.disconnect();
  });

  it('a tagged hit after a soft invalidation sends only reads, in one round trip, both versions included', async () => {
    const fn = cached(async (id: number) => ({ id }), { cacheKey: 'cmd:{id}', tags: ['cmd-tag:{id}'], timeout: 60, grace: 60, cacheInstance: cache });
    await fn(1);
    await fn.expireCacheByTags(undefined, 1);
    await fn(1);
    const log = logCommands(raw);
    await fn(1);
    log.stop();
    expect(log.oneRoundTrip()).toBe(true);
    expect(log.sent().every((command) => command === 'get' || command === 'mget')).toBe(true);
    const args = log.events.filter((event) => event.type === 'send').flatMap((event) => event.args);
    expect(args.some((arg) => arg.endsWith('tag:cmd-tag:1'))).toBe(true);
    expect(args.some((arg) => arg.endsWith('tag-soft:cmd-tag:1'))).toBe(true);
  });
});
