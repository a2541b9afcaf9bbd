/** Compile-time checks of the remote backends' `decodeMemo` option. */
import Redis from 'ioredis';
import type { DecodeMemoOption } from '../../lib';
import { MemcachedCache, type MemcachedCacheOptions } from '../../lib/backends/memcached';
import { RedisCache, type RedisCacheOptions } from '../../lib/backends/redis';
import { expectType, type Equal } from './type-assert';

const redis = new Redis({ lazyConnect: true });

// Bounds, some of them, or false.
new RedisCache(redis, { decodeMemo: { maxEntries: 10_000, maxChars: 8_000_000 } });
new RedisCache(redis, { decodeMemo: { maxChars: 100_000 } });
new MemcachedCache('127.0.0.1:11211', { decodeMemo: false });
expectType<Equal<RedisCacheOptions['decodeMemo'], DecodeMemoOption | undefined>>(true);
expectType<Equal<MemcachedCacheOptions['decodeMemo'], DecodeMemoOption | undefined>>(true);
// @ts-expect-error true is not an option: the memo is on by default
new RedisCache(redis, { decodeMemo: true });
// @ts-expect-error a misspelt bound
new MemcachedCache('127.0.0.1:11211', { decodeMemo: { maxEntry: 3 } });
// @ts-expect-error a bound is a number
new RedisCache(redis, { decodeMemo: { maxChars: '1mb' } });
