/**
 * One library's heap per cached entry, measured alone in this fresh process (run with
 * `node --expose-gc`): heapUsed after full collections, before and after caching 100,000 users
 * through the library's normal call path. Prints one line of JSON for the parent.
 *
 * Usage: node --expose-gc footprint-child.js <contender-id> <entries> [--dist]
 * The contender `easy-baseline` loads the `--baseline` library from the folder named by
 * EASY_CACHE_BENCH_BASELINE_DIR (set by the parent).
 */
import { BASELINE_DIR_ENV } from './baseline.js';
import { loadEasyCache, loadEasyCacheFrom, loadRootClients, useDist } from './load-library.js';
import { asyncCacheDedupe, bentocache, cacheManager, cachifiedLib, easyCache, makeLoader, makeUser } from './libraries.js';

const [, , id, entriesText] = process.argv;
const entries = Number(entriesText);

/** Builds the contender `id` with room for every entry; resolves to `{ get(n) }`. */
async function build(loader) {
  const env = { lib: loadEasyCache(), prefix: '', idBase: 0 };
  const capacity = entries;
  switch (id) {
    case 'map': {
      const map = new Map();
      return { get: async (n) => (map.get('user:' + n) ?? map.set('user:' + n, await loader.load(n)).get('user:' + n)) };
    }
    case 'map-decoded': {
      // What a remote read gives: values decoded from text, whose strings are not shared.
      const map = new Map();
      return { get: async (n) => (map.get('user:' + n) ?? map.set('user:' + n, JSON.parse(JSON.stringify(await loader.load(n)))).get('user:' + n)) };
    }
    case 'easy-default':
      return easyCache(env, 'memory', loader, { capacity });
    case 'easy-baseline': {
      const dir = process.env[BASELINE_DIR_ENV];
      if (!dir) throw new Error(`easy-baseline needs ${BASELINE_DIR_ENV}, the folder of the baseline's lib/`);
      return easyCache({ ...env, lib: loadEasyCacheFrom(dir, { dist: useDist() }) }, 'memory', loader, { capacity });
    }
    case 'easy-no-copy':
      return easyCache(env, 'memory', loader, { capacity, copy: false });
    case 'bentocache':
      return bentocache(env, 'memory', loader, { capacity });
    case 'cache-manager':
      return cacheManager(env, 'memory', loader, { capacity });
    case 'cachified':
      return cachifiedLib(env, 'memory', loader, { capacity });
    case 'async-cache-dedupe':
      return asyncCacheDedupe(env, 'memory', loader, { capacity });
    case 'easy-near':
    case 'easy-near-no-copy':
      return nearCache(env, loader, capacity, id === 'easy-near');
    default:
      throw new Error(`unknown footprint contender "${id}"`);
  }
}

/**
 * easy-cache with a near cache on the Redis whose port is in EASY_CACHE_BENCH_REDIS_PORT. Its own
 * writes are dropped from the near cache by their own pushes, so `settle()` reads every entry
 * again, in batches, until the near cache holds them all.
 */
async function nearCache(env, loader, capacity, copy) {
  const port = Number(process.env.EASY_CACHE_BENCH_REDIS_PORT);
  if (!port) throw new Error('easy-near needs EASY_CACHE_BENCH_REDIS_PORT');
  const made = easyCache({ ...env, clients: loadRootClients(), redisPort: port, prefix: `near-footprint-${process.pid}:` }, 'redis', loader, { nearCache: { maxEntries: capacity, copy } });
  while (made.instance.nearCacheState !== 'trusted') await new Promise((resolve) => setTimeout(resolve, 10));
  const inBatches = async () => {
    for (let start = 0; start < entries; start += 500) await Promise.all(Array.from({ length: Math.min(500, entries - start) }, (_, i) => made.get(start + i)));
  };
  return { get: made.get, fill: inBatches, settle: async () => {
    await inBatches();
    await inBatches();
  } };
}

/**
 * heapUsed after full collections, repeated until it stops shrinking (within 1 KiB; at most 40).
 * A fixed four were not enough: what V8 lets go only after several collections (caches aged
 * across them) fell sometimes before and sometimes after the fill, and a `Map` of 20,000 users
 * read anywhere from -3 to 167 bytes per entry.
 */
function collect() {
  let last = Infinity;
  for (let i = 0; i < 40; i++) {
    globalThis.gc();
    const used = process.memoryUsage().heapUsed;
    if (i >= 3 && Math.abs(last - used) < 1024) return used;
    last = used;
  }
  return last;
}

async function main() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  const loader = makeLoader();
  const library = await build(loader);
  // One entry first, so that lazily built structures (modules, the first bucket) are not counted.
  await library.get(-1);
  const before = collect();
  if (library.fill) await library.fill();
  else for (let n = 0; n < entries; n++) await library.get(n);
  await library.settle?.();
  const after = collect();
  // Every entry must still be there: reading a few back must not run the function again.
  const calls = loader.calls;
  for (const n of [0, entries >> 1, entries - 1]) {
    const value = await library.get(n);
    if (JSON.stringify(value) !== JSON.stringify(makeUser(n))) throw new Error(`entry ${n} came back as ${JSON.stringify(value)}`);
  }
  const kept = loader.calls === calls;
  process.stdout.write(JSON.stringify({ id, entries, bytesPerEntry: (after - before) / entries, kept }) + '\n');
  // Keeps the cache reachable until the reading above is done.
  globalThis.keep = library;
  process.exit(0);
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ id, error: error.message }) + '\n');
  process.exit(1);
});
