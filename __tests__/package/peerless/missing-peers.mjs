// A user who installed easy-cache alone, then imports the Redis and Memcached entries: importing
// works (a service may choose its backend at run time); building a backend says which package to
// install. Prints one JSON report for pack.test.ts.
import { RedisCache } from 'easy-cache/redis';
import { MemcachedCache } from 'easy-cache/memcached';
import { cached, CacheConfigError } from 'easy-cache';
// Loading the contract suite needs no test framework (it looks for one only when called).
import { describeBackendContract } from 'easy-cache/testing';

const attempts = {
  redis: () => new RedisCache({ url: 'redis://127.0.0.1:6379' }),
  memcached: () => new MemcachedCache('127.0.0.1:11211'),
};
const report = {};
for (const [name, build] of Object.entries(attempts)) {
  try {
    build();
    report[name] = 'built';
  } catch (error) {
    report[name] = { configError: error instanceof CacheConfigError, code: error.code, message: error.message };
  }
}
const square = cached(async (n) => n * n, { cacheKey: 'square:{n}' });
report.core = await square(9);
report.testing = typeof describeBackendContract;
console.log(JSON.stringify(report));
