/**
 * `easy-cache/redis`: the Redis and Redis Cluster backend, over ioredis (an optional peer
 * dependency; only this entry loads it, when the first `RedisCache` is built).
 *
 * @example
 * import Redis from 'ioredis';
 * import { RedisCache } from 'easy-cache/redis';
 * caches.setDefault(new RedisCache(new Redis(process.env.REDIS_URL), { prefix: 'shop' }));
 *
 * @module easy-cache/redis
 */
export { RedisCache } from './redis-cache';
export { REDIS_MAX_PENDING_CALLS } from './redis-options';
export type { RedisCacheOptions } from './redis-options';
export type { RedisNearCacheOptions } from '../near/near-options';
export type { RedisClient, RedisConnectionOptions } from './redis-client';
