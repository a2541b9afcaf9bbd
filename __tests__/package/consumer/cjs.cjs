// A CommonJS user of the installed tarball: `require` of every entry point, then a cached
// function on each backend that is reachable. Prints one JSON report for pack.test.ts.
const core = require('easy-cache');
const redis = require('easy-cache/redis');
const memcached = require('easy-cache/memcached');

async function roundTrip(label, backend) {
  let runs = 0;
  const square = core.cached(async (n) => { runs++; return n * n; }, { cacheKey: 'square:{n}', cacheInstance: backend, strict: true });
  const values = [await square(7), await square(7)];
  await square.invalidateCacheByKey(7);
  values.push(await square(7));
  await backend.close?.();
  return { label, values, runs };
}

async function main() {
  const prefix = `pack-cjs-${process.pid}`;
  const trips = [await roundTrip('memory', new core.MemoryCache())];
  if (process.env.EASY_CACHE_TEST_REDIS) trips.push(await roundTrip('redis', new redis.RedisCache({ url: `redis://${process.env.EASY_CACHE_TEST_REDIS}` }, { prefix })));
  if (process.env.EASY_CACHE_TEST_MEMCACHED) trips.push(await roundTrip('memcached', new memcached.MemcachedCache(process.env.EASY_CACHE_TEST_MEMCACHED.split(','), { prefix })));

  let configError = '';
  try {
    core.cached(async () => 1, { cacheKey: 'one', timout: 5 });
  } catch (error) {
    configError = error instanceof core.CacheConfigError ? error.message : `not a CacheConfigError: ${error}`;
  }

  console.log(JSON.stringify({
    exports: { core: Object.keys(core).sort(), redis: Object.keys(redis).sort(), memcached: Object.keys(memcached).sort() },
    classes: [typeof redis.RedisCache, typeof memcached.MemcachedCache, typeof core.caches.getDefault().get],
    packageJson: require('easy-cache/package.json').name,
    resolved: require.resolve('easy-cache'),
    configError,
    trips,
  }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
