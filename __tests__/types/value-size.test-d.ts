// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run.
import { MemoryCache, SerializationError, ValueTooLargeError, type EasyCacheError, type CacheInstance } from '../../lib';
import { MemcachedCache, type MemcachedCacheOptions } from '../../lib/backends/memcached';
import { RedisCache, type RedisCacheOptions } from '../../lib/backends/redis';
import { expectType, type Equal } from './type-assert';

declare const reported: EasyCacheError;
if (reported instanceof ValueTooLargeError) {
  expectType<Equal<typeof reported.code, EasyCacheError['code']>>(true);
  expectType<Equal<typeof reported.bytes, number>>(true);
  expectType<Equal<typeof reported.limitBytes, number>>(true);
  expectType<Equal<typeof reported.key, string>>(true);
  expectType<Equal<typeof reported.option, string>>(true);
}
const tooLarge: SerializationError = new ValueTooLargeError('big', { key: 'k', bytes: 2, limitBytes: 1, option: 'maxBytes' });
void tooLarge;
const code: EasyCacheError['code'] = 'E_CACHE_TOO_LARGE';
void code;

const bounded: CacheInstance = new MemoryCache({ maxEntries: 10, maxBytes: 1024 });
expectType<Equal<typeof MemoryCache.prototype.bytes, number>>(true);
void bounded;
// @ts-expect-error maxBytes is a number of bytes
new MemoryCache({ maxBytes: '1mb' });

expectType<Equal<RedisCacheOptions['maxValueBytes'], number | undefined>>(true);
expectType<Equal<MemcachedCacheOptions['maxItemBytes'], number | undefined>>(true);
// @ts-expect-error maxValueBytes is a number of bytes
void ((): RedisCache => new RedisCache({ lazyConnect: true }, { maxValueBytes: '1mb' }));
// @ts-expect-error maxItemBytes is a number of bytes
void ((): MemcachedCache => new MemcachedCache('127.0.0.1:11211', { maxItemBytes: true }));
// Connection problems are part of the port, for custom backends too.
expectType<Equal<CacheInstance['connectionProblem'], string | undefined>>(true);
