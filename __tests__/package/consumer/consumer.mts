// A TypeScript user of the installed tarball, compiled (never run) by pack.test.ts as an ES
// module (.mts), as CommonJS (a .cts copy) and under the node10 and bundler resolutions (.ts
// copies). The `@ts-expect-error` lines prove that the types are real: were an entry point typed
// `any`, they would be unused and the compile would fail.
import { cached, cachedMethod, caches, createCacheKey, MemoryCache, NOT_FOUND, type CachedFunction, type CacheInstance } from 'easy-cache';
import { RedisCache, type RedisCacheOptions } from 'easy-cache/redis';
import { MemcachedCache, type MemcachedCacheOptions } from 'easy-cache/memcached';
import { describeBackendContract, type BackendContractOptions } from 'easy-cache/testing';

const square = cached(async (n: number) => n * n, { cacheKey: 'square:{n}', timeout: 60 });
const typed: CachedFunction<[number], Promise<number>> = square;
const key: string = square.getCacheKey(3);

class Shelf {
  constructor(readonly id: number) {}
  async books(page: number): Promise<string[]> {
    return [`${this.id}:${page}`];
  }
}
const books = cachedMethod(Shelf, 'books', { cacheKey: 'shelf:{this.id}:{page}' });
// Option functions need no annotations: their parameters and `this` come from the function.
const inferred = cached(async (n: number) => n * 2, { cacheKey: (n) => `double:${n.toFixed(0)}`, tags: (n) => [`n:${n}`] });
class Rack {
  constructor(readonly id: number) {}
  async items(page: number): Promise<string[]> {
    return [`${this.id}:${page}`];
  }
}
const inferredMethod = cachedMethod(Rack, 'items', {
  cacheKey(page) {
    return `rack:${this.id.toFixed(0)}:${page.toFixed(0)}`;
  },
});

const backends: CacheInstance[] = [
  new MemoryCache({ maxEntries: 10 }),
  new RedisCache({ url: 'redis://127.0.0.1:6379' }, { prefix: 'app' } satisfies RedisCacheOptions),
  new MemcachedCache('127.0.0.1:11211', { prefix: 'app' } satisfies MemcachedCacheOptions),
];

async function main(): Promise<void> {
  const value: number = await square(3);
  const list: string[] = await books.call(new Shelf(1), 2);
  const got: unknown = await caches.getDefault().get(createCacheKey('square', 3));
  const missing: boolean = got === NOT_FOUND;
  // @ts-expect-error square takes a number
  await square('3');
  // @ts-expect-error the result is a number, not a string
  const wrong: string = await square(3);
  // @ts-expect-error Shelf has no method "pages"
  cachedMethod(Shelf, 'pages');
  // @ts-expect-error the key function's parameter is a number
  cached(async (n: number) => n, { cacheKey: (n) => n.toUpperCase() });
  // @ts-expect-error RedisCache has no option "prefx"
  new RedisCache({ url: 'redis://127.0.0.1:6379' }, { prefx: 'app' });
  const contract: BackendContractOptions<MemoryCache> = { supportsClear: true, afterAll: async (cache) => cache.clear() };
  void [describeBackendContract, contract];
  // @ts-expect-error the contract suite runs on a CacheInstance
  describeBackendContract('not a backend', () => ({ get: async () => 1 }));
  void [typed, key, backends, value, list, missing, wrong, inferred, inferredMethod];
}
void main;
