// The demonstration behind `npm run demo`: a book store whose slow queries are cached on the
// embedded memory backend, with invalidation by tag (one per book), by prefix (one per shop),
// by key, and a refresh. It prints every hit and miss and the time the cache saved.
import { cached, caches, invalidateCacheTags, metaAccepted, type CacheEvent } from '../../lib';

interface Book {
  id: number;
  title: string;
}

const QUERY_MS = 25;
const books = new Map<number, Book>([
  [1, { id: 1, title: 'Dune' }],
  [2, { id: 2, title: 'Emma' }],
  [3, { id: 3, title: 'Ulysses' }],
]);
const favourites = new Map<number, number[]>([
  [10, [1, 2]],
  [20, [3]],
  [30, [2, 3]],
]);
const stock = new Map<string, number>([
  ['shop-a:1', 4],
  ['shop-a:2', 0],
  ['shop-b:1', 9],
]);

let queries = 0;
async function slowQuery<T>(result: () => T): Promise<T> {
  queries++;
  await new Promise((resolve) => setTimeout(resolve, QUERY_MS));
  return result();
}

// One tag per book in the returned list: a title change invalidates exactly the lists holding it.
const favouriteBooks = cached(
  async (userId: number) => slowQuery(() => (favourites.get(userId) ?? []).map((id) => ({ ...(books.get(id) as Book) }))),
  {
    cacheKey: 'user_favorite_books:{userId}',
    timeout: 3600,
    tags: metaAccepted((meta) => (meta.hasReturnedValue ? (meta.returnedValue as Book[]).map((book) => `book:${book.id}`) : [])),
  },
);

// Every entry of a shop lives under the prefix shop:{shop}, so a restock drops them all at once.
const stockLevel = cached(async (shop: string, bookId: number) => slowQuery(() => stock.get(`${shop}:${bookId}`) ?? 0), {
  prefix: 'shop:{shop}',
  cacheKey: 'stock:{bookId}',
});

let hits = 0;
let misses = 0;
caches.onEvent((event: CacheEvent) => {
  if (event.type === 'hit') hits++;
  if (event.type === 'miss') misses++;
  if (event.type === 'hit' || event.type === 'miss') console.log(`  ${event.type.toUpperCase().padEnd(4)} ${event.key}`);
});

const titles = (list: Book[]) => list.map((book) => book.title).join(', ');

async function main(): Promise<void> {
  const started = Date.now();

  console.log('1. Favourite books, twice each: the second read of each list is a hit');
  for (const user of [10, 20, 30, 10, 20, 30]) await favouriteBooks(user);

  console.log('\n2. "Emma" gets a new title; only the lists holding book 2 (users 10 and 30) are invalidated');
  (books.get(2) as Book).title = 'Emma (annotated)';
  await invalidateCacheTags('book:2');
  for (const user of [10, 20, 30]) console.log(`  user ${user}: ${titles(await favouriteBooks(user))}`);

  console.log('\n3. Stock levels per shop, then shop-a is restocked: its prefix goes at once, shop-b stays');
  for (const [shop, id] of [['shop-a', 1], ['shop-a', 2], ['shop-b', 1], ['shop-a', 1]] as const) await stockLevel(shop, id);
  stock.set('shop-a:2', 12);
  await stockLevel.invalidateCacheByPrefix('shop-a');
  console.log(`  shop-a book 2 now: ${await stockLevel('shop-a', 2)}; shop-b book 1: ${await stockLevel('shop-b', 1)}`);

  console.log('\n4. Invalidation by key and a refresh');
  favourites.set(20, [3, 1]);
  await favouriteBooks.invalidateCacheByKey(20);
  console.log(`  user 20 after invalidateCacheByKey: ${titles(await favouriteBooks(20))}`);
  favourites.set(20, [1]);
  console.log(`  user 20 after refreshCache: ${titles(await favouriteBooks.refreshCache(20))}`);
  console.log(`  key of user 20: ${favouriteBooks.getCacheKey(20)}`);

  const calls = hits + misses + 1;
  const elapsed = Date.now() - started;
  const uncached = calls * QUERY_MS;
  console.log(`\n${calls} calls: ${hits} hits, ${misses} misses, ${queries} slow queries of ${QUERY_MS} ms.`);
  console.log(`Took ${elapsed} ms; without the cache every call would query: about ${uncached} ms, so the cache saved about ${uncached - elapsed} ms.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
