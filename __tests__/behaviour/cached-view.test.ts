import { CacheConfigError, cached, cachedMethod, cachedView, MemoryCache } from '../../lib';

// cachedView returns the per-instance view itself after checking it is cached (issue 17 item 1).
describe('cachedView', () => {
  class Shelf {
    runs = 0;
    constructor(readonly id: number) {}
    async books(page: number): Promise<string> {
      this.runs++;
      return `${this.id}:${page}:${this.runs}`;
    }
    async uncached(): Promise<number> {
      return this.id;
    }
    static async count(): Promise<number> {
      return 1;
    }
  }
  const backend = new MemoryCache();
  cachedMethod(Shelf, 'books', { cacheKey: 'shelf:{this.id}:{page}', cacheInstance: backend });
  cachedMethod(Shelf, 'count', { static: true, cacheKey: 'shelf-count', cacheInstance: backend });

  it('gives the helpers of a cached method through its instance, with that instance as scope', async () => {
    const shelf = new Shelf(7);
    const view = cachedView(shelf.books);
    expect(view).toBe(shelf.books);
    expect(view.getCacheKey(2)).toBe('shelf:7:2');
    expect(await shelf.books(2)).toBe('7:2:1');
    expect(await shelf.books(2)).toBe('7:2:1');
    await view.invalidateCacheByKey(2);
    expect(await shelf.books(2)).toBe('7:2:2');
    expect(cachedView(Shelf.count).getCacheKey()).toBe('shelf-count');
  });

  it('accepts a cached() function', () => {
    const fn = cached(async (id: number) => id, { cacheKey: 'n:{id}', cacheInstance: backend });
    expect(cachedView(fn).getCacheKey(3)).toBe('n:3');
  });

  it('refuses a function that is not cached, naming it', () => {
    const shelf = new Shelf(1);
    expect(() => cachedView(shelf.uncached)).toThrow(CacheConfigError);
    expect(() => cachedView(shelf.uncached)).toThrow(/cachedView\(\): expected a cached function .*a function uncached, which is not cached/);
    expect(() => cachedView(42 as unknown as () => void)).toThrow(/received 42$/);
  });
});
