/** Compile-time checks of the circuit breaker's public types (SPEC 11.5). */
import Redis from 'ioredis';
import { cached, type BackendError, type BreakerCloseEvent, type BreakerOpenEvent, type BreakerOption, type BreakerSettings, type CacheEvent, type CacheInstance, type EasyCacheErrorCode } from '../../lib';
import { MemcachedCache, type MemcachedCacheOptions } from '../../lib/backends/memcached';
import { RedisCache, type RedisCacheOptions } from '../../lib/backends/redis';
import { expectType, type Equal } from './type-assert';

const redis = new Redis({ lazyConnect: true });

// The option: settings, some of them, or false.
new RedisCache(redis, { breaker: { failures: 5, openMs: 10_000 } });
new RedisCache(redis, { breaker: { openMs: 500 } });
new MemcachedCache('127.0.0.1:11211', { breaker: false });
expectType<Equal<RedisCacheOptions['breaker'], BreakerOption | undefined>>(true);
expectType<Equal<MemcachedCacheOptions['breaker'], BreakerOption | undefined>>(true);
// @ts-expect-error true is not an option: the breaker is on by default
new RedisCache(redis, { breaker: true });
// @ts-expect-error a misspelt setting
new RedisCache(redis, { breaker: { failure: 3 } });

// What the core reads from a backend object.
expectType<Equal<CacheInstance['breaker'], BreakerSettings | false | undefined>>(true);
expectType<Equal<RedisCache['breaker'], BreakerSettings | false>>(true);
// A custom backend declares its own, read-only.
declare const custom: CacheInstance;
// @ts-expect-error the core reads it; nobody changes it on a live backend
custom.breaker = false;

// The events, narrowed by their type.
expectType<Equal<Extract<CacheEvent, { type: 'breaker-open' }>, BreakerOpenEvent>>(true);
expectType<Equal<Extract<CacheEvent, { type: 'breaker-close' }>, BreakerCloseEvent>>(true);
cached(async (id: number) => id, {
  onEvent: (event) => {
    if (event.type === 'breaker-open') expectType<Equal<typeof event.openMs, number>>(true);
    if (event.type === 'breaker-close') expectType<Equal<typeof event.openForMs, number>>(true);
  },
});

// The error code.
expectType<'BREAKER_OPEN' extends EasyCacheErrorCode ? true : false>(true);
expectType<'BREAKER_OPEN' extends BackendError['code'] ? true : false>(true);
