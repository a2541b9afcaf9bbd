// An ES module user of the installed tarball: named imports from every entry point (through
// Node's CommonJS interop), then a cached function on each backend that is reachable. Prints one
// JSON report for pack.test.ts.
import { cached, caches, MemoryCache, CacheConfigError } from 'easy-cache';
import { RedisCache } from 'easy-cache/redis';
import { MemcachedCache } from 'easy-cache/memcached';
import * as core from 'easy-cache';
import * as redis from 'easy-cache/redis';
import * as memcached from 'easy-cache/memcached';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

async function roundTrip(label, backend) {
  let runs = 0;
  const square = cached(async (n) => { runs++; return n * n; }, { cacheKey: 'square:{n}', cacheInstance: backend, strict: true });
  const values = [await square(7), await square(7)];
  await square.invalidateCacheByKey(7);
  values.push(await square(7));
  await backend.close?.();
  return { label, values, runs };
}

const prefix = `pack-esm-${process.pid}`;
const trips = [await roundTrip('memory', new MemoryCache())];
if (process.env.EASY_CACHE_TEST_REDIS) trips.push(await roundTrip('redis', new RedisCache({ url: `redis://${process.env.EASY_CACHE_TEST_REDIS}` }, { prefix })));
if (process.env.EASY_CACHE_TEST_MEMCACHED) trips.push(await roundTrip('memcached', new MemcachedCache(process.env.EASY_CACHE_TEST_MEMCACHED.split(','), { prefix })));

let configError = '';
try {
  cached(async () => 1, { cacheKey: 'one', timout: 5 });
} catch (error) {
  configError = error instanceof CacheConfigError ? error.message : `not a CacheConfigError: ${error}`;
}

console.log(JSON.stringify({
  exports: { core: Object.keys(core).sort(), redis: Object.keys(redis).sort(), memcached: Object.keys(memcached).sort() },
  classes: [typeof RedisCache, typeof MemcachedCache, typeof caches.getDefault().get],
  packageJson: require('easy-cache/package.json').name,
  resolved: import.meta.resolve('easy-cache'),
  configError,
  trips,
}));
