import { CacheConfigError, CacheKeyError, cached, invalidateCacheKey, invalidateCachePrefix, invalidateCacheTags, metaAccepted } from '../../../lib';
import { freshNamespace, type BackendFactory } from './backend-factory';

interface Book {
  id: number;
  title: string;
}

/** Tags, prefixes and every way to invalidate, on the backend `backend()` gives. */
export function describeTagsAndPrefixes(backend: BackendFactory): void {
  describe('tags and prefixes', () => {
    it('invalidates by key: only that entry', async () => {
      const ns = freshNamespace();
      const runs: number[] = [];
      const get = cached(async (id: number) => runs.push(id), { cacheKey: `${ns}:k:{id}`, cacheInstance: backend() });
      await get(1);
      await get(2);
      await get.invalidateCacheByKey(1);
      await get(1);
      await get(2);
      expect(runs).toEqual([1, 2, 1]);
      await invalidateCacheKey(get.getCacheKey(2), { cacheInstance: backend() });
      await get(2);
      expect(runs).toEqual([1, 2, 1, 2]);
    });

    it('invalidates by tag every entry that carries it, and nothing else', async () => {
      const ns = freshNamespace();
      const runs: string[] = [];
      const options = { tags: [`${ns}:user:{user}`], cacheInstance: backend() };
      const books = cached(async (user: number) => runs.push(`books${user}`), { ...options, cacheKey: `${ns}:books:{user}` });
      const films = cached(async (user: number) => runs.push(`films${user}`), { ...options, cacheKey: `${ns}:films:{user}` });
      await Promise.all([books(1), films(1), books(2)]);
      await books.invalidateCacheByTags(undefined, 1);
      await Promise.all([books(1), films(1), books(2)]);
      expect(runs.sort()).toEqual(['books1', 'books1', 'books2', 'films1', 'films1'].sort());
      await invalidateCacheTags(`${ns}:user:2`, { cacheInstance: backend() });
      await books(2);
      expect(runs.filter((run) => run === 'books2')).toHaveLength(2);
    });

    it('with a list, invalidates only those given tags that are among the function’s own', async () => {
      const ns = freshNamespace();
      let runs = 0;
      const get = cached(async (id: number) => `${id}:${++runs}`, { cacheKey: `${ns}:s:{id}`, tags: [`${ns}:a:{id}`], cacheInstance: backend() });
      await get(1);
      await get.invalidateCacheByTags([`${ns}:other:{id}`], 1);
      await get(1);
      expect(runs).toBe(1);
      await get.invalidateCacheByTags(`${ns}:a:{id}`, 1);
      await get(1);
      expect(runs).toBe(2);
    });

    it('tags an entry from its returned value with a meta tag function', async () => {
      const ns = freshNamespace();
      const titles = new Map([
        [1, 'Dune'],
        [2, 'Emma'],
        [3, 'Ulysses'],
      ]);
      const favourites: Record<number, number[]> = { 10: [1, 2], 20: [3] };
      let runs = 0;
      const favouriteBooks = cached(
        async (user: number): Promise<Book[]> => {
          runs++;
          return (favourites[user] ?? []).map((id) => ({ id, title: titles.get(id) ?? '' }));
        },
        {
          cacheKey: `${ns}:fav:{user}`,
          tags: metaAccepted((meta) => (meta.hasReturnedValue ? (meta.returnedValue as Book[]).map((book) => `${ns}:book:${book.id}`) : [])),
          cacheInstance: backend(),
        },
      );
      await favouriteBooks(10);
      await favouriteBooks(20);
      titles.set(2, 'Emma (2nd ed.)');
      await invalidateCacheTags(`${ns}:book:2`, { cacheInstance: backend() });
      expect((await favouriteBooks(10)).map((book) => book.title)).toEqual(['Dune', 'Emma (2nd ed.)']);
      expect(await favouriteBooks(20)).toEqual([{ id: 3, title: 'Ulysses' }]);
      expect(runs).toBe(3);
    });

    it('prefixes the key and invalidates everything under a prefix, whichever function stored it', async () => {
      const ns = freshNamespace();
      const runs: string[] = [];
      const common = { prefix: `${ns}:shop:{shop}`, cacheInstance: backend() };
      const products = cached(async (shop: number, page: number) => runs.push(`p${shop}.${page}`), { ...common, cacheKey: 'products:{page}' });
      const orders = cached(async (shop: number) => runs.push(`o${shop}`), { ...common, cacheKey: 'orders' });
      expect(products.getCacheKey(7, 1)).toBe(`${ns}:shop:7:products:1`);
      await Promise.all([products(7, 1), products(7, 2), orders(7), orders(8)]);
      await products.invalidateCacheByPrefix(7);
      await Promise.all([products(7, 1), products(7, 2), orders(7), orders(8)]);
      expect(runs.filter((run) => run.endsWith('7') || run.startsWith('p7'))).toHaveLength(6);
      expect(runs.filter((run) => run === 'o8')).toHaveLength(1);
      await invalidateCachePrefix(`${ns}:shop:8`, { cacheInstance: backend() });
      await orders(8);
      expect(runs.filter((run) => run === 'o8')).toHaveLength(2);
    });

    it('treats a prefix and a tag of the same text as one', async () => {
      const ns = freshNamespace();
      let runs = 0;
      const get = cached(async (shop: number) => `${shop}:${++runs}`, { prefix: `${ns}:shop:{shop}`, cacheKey: 'x', cacheInstance: backend() });
      await get(1);
      await invalidateCacheTags(`${ns}:shop:1`, { cacheInstance: backend() });
      await get(1);
      expect(runs).toBe(2);
    });

    it('refuses an invalidation that leaves off an argument the key needs', async () => {
      const ns = freshNamespace();
      const get = cached(async (shop: number, id: number) => shop + id, { cacheKey: `${ns}:{shop}:{id}`, tags: [`${ns}:{id}`], cacheInstance: backend() });
      const byKey = (get.invalidateCacheByKey as (...args: unknown[]) => Promise<void>)(1);
      await expect(byKey).rejects.toThrow(CacheKeyError);
      await expect(byKey).rejects.toMatchObject({ parameter: 'id' });
      await expect(get.invalidateCacheByTags(undefined, 1)).rejects.toMatchObject({ parameter: 'id' });
      await expect(get.invalidateCacheByPrefix(1, 2)).rejects.toThrow(CacheConfigError);
    });
  });
}
