/**
 * Compile-time checks of the near cache options and events: `ttlMs` is required on Memcached and
 * refused on Redis, and a hit event may say `tier: 'near'`.
 */
import Redis from 'ioredis';
import type { CacheEvent, NearCacheEvent } from '../../lib';
import { NOT_FOUND, NOT_HELD } from '../../lib';
import { MemcachedCache, type MemcachedNearCacheOptions } from '../../lib/backends/memcached';
import { RedisCache, type RedisNearCacheOptions } from '../../lib/backends/redis';
import { type Equal, expectType } from './type-assert';

const redis = new Redis({ lazyConnect: true });
new RedisCache(redis, { nearCache: {} });
new RedisCache(redis, { nearCache: { maxEntries: 1000, copy: false } });
// @ts-expect-error Redis pushes changes: no ttlMs
new RedisCache(redis, { nearCache: { ttlMs: 100 } });

new MemcachedCache('127.0.0.1:11211', { nearCache: { ttlMs: 500 } });
new MemcachedCache('127.0.0.1:11211', { nearCache: { ttlMs: 500, maxEntries: 10, copy: true } });
// @ts-expect-error Memcached cannot push changes: ttlMs is required
new MemcachedCache('127.0.0.1:11211', { nearCache: { maxEntries: 10 } });

expectType<Equal<MemcachedNearCacheOptions['ttlMs'], number>>(true);
expectType<Equal<RedisNearCacheOptions['maxEntries'], number | undefined>>(true);
expectType<Equal<RedisCache['nearCacheState'], 'off' | 'trusted' | 'bypassed'>>(true);

declare const event: CacheEvent;
if (event.type === 'hit') expectType<Equal<typeof event.tier, 'near' | undefined>>(true);
if (event.type === 'near-cache-bypassed') expectType<Equal<typeof event, NearCacheEvent>>(true);
// NOT_HELD is a symbol of its own: not assignable to NOT_FOUND's type.
// @ts-expect-error two unique symbols
const held: typeof NOT_FOUND = NOT_HELD;
void held;
