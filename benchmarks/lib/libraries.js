/**
 * One cached "get user by id" per library and backend, set up the way each library's README
 * shows, so that every scenario compares the same job: `get(id)` resolves to the user, computed by
 * `load(id)` on a miss and read from the cache on a hit.
 *
 * A factory returns `{ get(id), invalidateTag?(tag), close() }`, or `{ na: reason }` when the
 * library cannot do what was asked (no such backend, no tags).
 */
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { createCache as createCacheManager } from 'cache-manager';
import { Keyv } from 'keyv';
import { createKeyv as createKeyvRedis } from '@keyv/redis';
import KeyvMemcache from '@keyv/memcache';
import { cachified, totalTtl } from '@epic-web/cachified';
import { redisCacheAdapter } from 'cachified-redis-adapter';
import { createClient as createNodeRedisClient } from 'redis';
import { LRUCache } from 'lru-cache';
import { createCache as createDedupeCache } from 'async-cache-dedupe';
import PeerRedis from 'ioredis';
import { redisConnection } from './shared-redis.js';

let made = 0;

/** A key namespace of its own for each library object built, so that no two share entries. */
export function namespace(env, library) {
  made += 1;
  return `${env.prefix}${library}${made}`;
}

/** Entries live this long in every library (seconds). */
export const TTL_SECONDS = 3600;

/** The value every benchmark caches: a small user record, a fresh object per computation. */
export function makeUser(id) {
  return { id, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'author'] };
}

/** The function being cached, counting how often it really runs. */
export function makeLoader() {
  const loader = {
    calls: 0,
    load: async (id) => {
      loader.calls++;
      return makeUser(id);
    },
  };
  return loader;
}

/**
 * The tags of user `id` when `count` tags are asked for: `user:<id>`, then `users`, then
 * `team:<id>`. Every library gets the same tag names.
 */
export function tagsOf(id, count) {
  return ['user:' + id, 'users', 'team:' + id].slice(0, count);
}

/**
 * easy-cache: `cached(load, { cacheKey: 'user:{id}', timeout, tags, cacheInstance })` on a
 * backend built as its docs show. `options.copy` (memory), `options.autoPipelining` (Redis: the
 * client the user passes in has ioredis auto-pipelining on), `options.decodeMemo` (Redis, Memcached)
 * and `options.tagsAfter` (the tag is a meta function of the returned value, known only after the
 * call) pick variants.
 */
export function easyCache(env, backend, loader, options = {}) {
  const { core, redis: redisEntry, memcached: memcachedEntry } = env.lib;
  let instance;
  let connection;
  if (backend === 'memory') {
    instance = new core.MemoryCache({
      ...(options.copy === false ? { copy: false } : {}),
      ...(options.capacity ? { maxEntries: options.capacity } : {}),
    });
  } else if (backend === 'redis') {
    connection = redisConnection(env, options.autoPipelining === true ? { enableAutoPipelining: true } : {});
    instance = new redisEntry.RedisCache(connection.client, { prefix: namespace(env, 'ec'), ...(options.nearCache ? { nearCache: options.nearCache } : {}), ...memoOption(options) });
  } else {
    instance = new memcachedEntry.MemcachedCache(`127.0.0.1:${env.memcachedPort}`, { prefix: namespace(env, 'ec'), ...memoOption(options) });
  }
  const tagCount = options.tags ?? 0;
  const cachedOptions = { cacheKey: 'user:{id}', timeout: TTL_SECONDS, cacheInstance: instance };
  if (options.tagsAfter) {
    cachedOptions.tags = core.metaAccepted((meta) => (meta.hasReturnedValue ? tagsOf(meta.returnedValue.id, tagCount) : []));
  } else if (tagCount > 0) {
    cachedOptions.tags = ['user:{id}', 'users', 'team:{id}'].slice(0, tagCount);
  }
  if (options.lock) cachedOptions.lock = options.lock;
  const get = core.cached((id) => loader.load(id), cachedOptions);
  return {
    get,
    instance,
    invalidateTag: (tag) => core.invalidateCacheTags(tag, { cacheInstance: instance }),
    close: async () => {
      await instance.close?.();
      connection?.release();
    },
  };
}

/** The remote backends' `decodeMemo` option when a variant sets it (`options.decodeMemo`), else nothing (the default). */
function memoOption(options) {
  return options.decodeMemo === undefined ? {} : { decodeMemo: options.decodeMemo };
}

/**
 * bentocache with both tiers and its bus, as its docs set up a multi-process cache: an L1 memory
 * layer, an L2 Redis layer and a Redis bus that tells other processes to drop their L1 copies.
 */
export function bentocacheTiered(env, loader, options = {}) {
  return bentocache(env, 'tiered', loader, options);
}

/** bentocache: `getOrSet` on a store with an L1 memory layer or an L2 Redis layer (its docs' setup). */
export function bentocache(env, backend, loader, options = {}) {
  if (backend === 'memcached') return { na: 'no memcached driver' };
  const bento = bentoCache(env, backend, options.capacity);
  const tagCount = options.tags ?? 0;
  return {
    get: (id) =>
      bento.getOrSet({
        key: 'user:' + id,
        factory: () => loader.load(id),
        ttl: TTL_SECONDS * 1000,
        ...(tagCount > 0 ? { tags: tagsOf(id, tagCount) } : {}),
      }),
    invalidateTag: (tag) => bento.deleteByTag({ tags: [tag] }),
    close: () => bento.disconnectAll(),
  };
}

/** cache-manager 7: `wrap` on keyv stores (in-memory Map, `@keyv/redis`, `@keyv/memcache`). */
export function cacheManager(env, backend, loader, options = {}) {
  if ((options.tags ?? 0) > 0) return { na: 'no tags' };
  let stores;
  if (backend === 'redis') stores = [createKeyvRedis(`redis://127.0.0.1:${env.redisPort}`, { namespace: namespace(env, 'cm') })];
  else if (backend === 'memcached') stores = [new Keyv({ store: new KeyvMemcache(`127.0.0.1:${env.memcachedPort}`), namespace: namespace(env, 'cm') })];
  const cache = createCacheManager({ ttl: TTL_SECONDS * 1000, ...(stores ? { stores } : {}) });
  return {
    get: (id) => cache.wrap('user:' + id, () => loader.load(id)),
    close: () => cache.disconnect(),
  };
}

/** The lru-cache adapter that cachified's README writes out. */
function cachifiedLru(max) {
  const lruInstance = new LRUCache({ max });
  return {
    set(key, value) {
      const ttl = totalTtl(value?.metadata);
      return lruInstance.set(key, value, { ttl: ttl === Infinity ? undefined : ttl, start: value?.metadata?.createdTime });
    },
    get: (key) => lruInstance.get(key),
    delete: (key) => lruInstance.delete(key),
  };
}

/** @epic-web/cachified: its README's lru-cache adapter in memory; `cachified-redis-adapter` (node-redis) on Redis. */
export async function cachifiedLib(env, backend, loader, options = {}) {
  if (backend === 'memcached') return { na: 'no memcached adapter' };
  if ((options.tags ?? 0) > 0) return { na: 'no tags' };
  const { cache, client } = await cachifiedCache(env, backend, options.capacity ?? 10_000);
  const keyPrefix = namespace(env, 'cf') + ':user-';
  return {
    get: (id) => cachified({ key: keyPrefix + id, cache, getFreshValue: () => loader.load(id), ttl: TTL_SECONDS * 1000 }),
    close: async () => {
      if (client) await client.quit();
    },
  };
}

/** async-cache-dedupe: `define` on its memory storage, or its Redis storage over an ioredis client; tags are its `references`. */
export function asyncCacheDedupe(env, backend, loader, options = {}) {
  if (backend === 'memcached') return { na: 'no memcached storage' };
  const tagCount = options.tags ?? 0;
  let client;
  let storage = { type: 'memory' };
  if (backend === 'redis') {
    client = new PeerRedis({ host: '127.0.0.1', port: env.redisPort });
    storage = { type: 'redis', options: { client, ...(tagCount > 0 || options.invalidation ? { invalidation: { referencesTTL: TTL_SECONDS } } : {}) } };
  } else if (tagCount > 0 || options.invalidation) {
    storage = { type: 'memory', options: { invalidation: true } };
  }
  if (backend === 'memory' && options.capacity) storage = { ...storage, options: { ...storage.options, size: options.capacity } };
  const cache = createDedupeCache({ ttl: TTL_SECONDS, storage });
  const defineOptions = tagCount > 0 ? { references: (args) => tagsOf(args, tagCount) } : {};
  // The function's name is its key prefix in this library.
  const name = namespace(env, 'getUser_').replace(/\W/g, '_');
  cache.define(name, defineOptions, (id) => loader.load(id));
  return {
    get: (id) => cache[name](id),
    invalidateTag: (tag) => cache.invalidateAll([tag]),
    close: async () => {
      if (client) await client.quit();
    },
  };
}

/**
 * cachified's cache on `backend`: its README's lru-cache adapter in memory, or
 * `cachified-redis-adapter` over node-redis (connected; `client` is for the caller to quit).
 */
export async function cachifiedCache(env, backend, capacity) {
  if (backend === 'memory') return { cache: cachifiedLru(capacity), client: undefined };
  const client = createNodeRedisClient({ url: `redis://127.0.0.1:${env.redisPort}` });
  await client.connect();
  return { cache: redisCacheAdapter(client), client };
}

/** A bentocache on `backend` as its docs set one up: an L1 memory store (`capacity` items at most, when given) or an L2 Redis store. */
export function bentoCache(env, backend, capacity) {
  const connection = { host: '127.0.0.1', port: env.redisPort };
  const store =
    backend === 'memory'
      ? bentostore().useL1Layer(memoryDriver(capacity ? { maxItems: capacity } : {}))
      : backend === 'tiered'
        ? bentostore().useL1Layer(memoryDriver({})).useL2Layer(redisDriver({ connection })).useBus(redisBusDriver({ connection }))
        : bentostore().useL2Layer(redisDriver({ connection }));
  return new BentoCache({ default: 'cache', prefix: namespace(env, 'bento'), stores: { cache: store } });
}
