// The demonstration behind `npm run demo`: a book store whose slow queries are cached on the
// embedded memory backend. Each section says what it does; each call prints HIT or MISS (as the
// cache reported it) with the reason; the totals at the end add up. A call that does not turn out
// as its reason says is printed as UNEXPECTED and makes the script fail.
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

type Outcome = 'HIT' | 'MISS';
const totals = { HIT: 0, MISS: 0, refreshes: 0, unexpected: 0 };
/** The last hit or miss the cache reported. */
const last: { event?: CacheEvent } = {};
caches.onEvent((event: CacheEvent) => {
  if (event.type === 'hit' || event.type === 'miss') last.event = event;
});

/** One cached call: prints what the cache did (HIT or MISS, with the key), why, and the result. */
async function call<T>(expected: Outcome, why: string, run: () => Promise<T>, show: (value: T) => string = () => ''): Promise<T> {
  last.event = undefined;
  const value = await run();
  const seen = last.event as CacheEvent | undefined;
  const outcome: Outcome | undefined = seen?.type === 'hit' ? 'HIT' : seen?.type === 'miss' ? 'MISS' : undefined;
  if (outcome) totals[outcome]++;
  const shown = show(value);
  const label = outcome === expected ? outcome : `UNEXPECTED ${outcome ?? 'no event'} (expected ${expected})`;
  if (outcome !== expected) totals.unexpected++;
  console.log(`  ${label.padEnd(4)}  ${(seen?.key ?? '').padEnd(28)} ${why}${shown ? ` -> ${shown}` : ''}`);
  return value;
}

/** A step that is not a cached read: an invalidation or a change of the data. */
async function does(what: string, run: () => unknown): Promise<void> {
  await run();
  console.log(`  ${'·'.padEnd(4)}  ${what}`);
}

const titles = (list: Book[]) => list.map((book) => book.title).join(', ');

async function main(): Promise<void> {
  console.log('1. Favourite books. The first read of a list runs the query and stores the result; the second is served from the cache.');
  for (const user of [10, 20, 30]) await call('MISS', `user ${user}: first read, nothing stored yet: the query runs`, () => favouriteBooks(user), titles);
  for (const user of [10, 20, 30]) await call('HIT', `user ${user}: stored by the read above`, () => favouriteBooks(user), titles);

  console.log('\n2. "Emma" (book 2) gets a new title. Each list is tagged with its books, so invalidating the tag book:2 drops exactly the lists holding it.');
  await does('book 2 is renamed "Emma (annotated)" in the database', () => ((books.get(2) as Book).title = 'Emma (annotated)'));
  await does("invalidateCacheTags('book:2'): drops the lists of users 10 and 30", () => invalidateCacheTags('book:2'));
  await call('MISS', 'user 10: its list holds book 2, so it was dropped', () => favouriteBooks(10), titles);
  await call('HIT', 'user 20: its list (Ulysses) has no book 2, so it was kept', () => favouriteBooks(20), titles);
  await call('MISS', 'user 30: its list holds book 2, so it was dropped', () => favouriteBooks(30), titles);

  console.log('\n3. Stock levels per shop, under the prefix shop:{shop}. Invalidating the prefix shop:shop-a drops every entry of shop-a at once; shop-b keeps its own.');
  await call('MISS', 'shop-a, book 1: first read', () => stockLevel('shop-a', 1), String);
  await call('MISS', 'shop-a, book 2: first read', () => stockLevel('shop-a', 2), String);
  await call('MISS', 'shop-b, book 1: first read', () => stockLevel('shop-b', 1), String);
  await call('HIT', 'shop-a, book 1: stored by the first read', () => stockLevel('shop-a', 1), String);
  await does('stock.set("shop-a:2", 12): shop-a is restocked', () => stock.set('shop-a:2', 12));
  await does("stockLevel.invalidateCacheByPrefix('shop-a'): the helper builds the prefix shop:shop-a from its template", () =>
    stockLevel.invalidateCacheByPrefix('shop-a'),
  );
  await call('MISS', 'shop-a, book 2: its prefix was dropped, so the new stock is read', () => stockLevel('shop-a', 2), String);
  await call('HIT', 'shop-b, book 1: another prefix, still stored', () => stockLevel('shop-b', 1), String);

  console.log('\n4. Invalidation by key, and a refresh. The helpers take the function\'s own arguments and build the key from its template.');
  await does('favourites.set(20, [3, 1]): user 20 adds Dune', () => favourites.set(20, [3, 1]));
  await does(`favouriteBooks.invalidateCacheByKey(20): deletes ${favouriteBooks.getCacheKey(20)}`, () => favouriteBooks.invalidateCacheByKey(20));
  await call('MISS', 'user 20: its entry was deleted, so the new list is read', () => favouriteBooks(20), titles);
  await does('favourites.set(20, [1]): user 20 keeps only Dune', () => favourites.set(20, [1]));
  const refreshed = await favouriteBooks.refreshCache(20);
  totals.refreshes++;
  console.log(`  ${'RUN'.padEnd(4)}  ${favouriteBooks.getCacheKey(20).padEnd(28)} refreshCache(20): runs the query now and stores the result, neither hit nor miss -> ${titles(refreshed)}`);
  await call('HIT', 'user 20: stored by the refresh', () => favouriteBooks(20), titles);

  const calls = totals.HIT + totals.MISS + totals.refreshes;
  console.log(`\n${calls} calls = ${totals.HIT} hits + ${totals.MISS} misses + ${totals.refreshes} refresh.`);
  console.log(`The slow query ran ${queries} times = ${totals.MISS} misses + ${totals.refreshes} refresh; without the cache it would have run ${calls} times.`);
  console.log(`The ${totals.HIT} hits saved ${totals.HIT} queries of ${QUERY_MS} ms: ${totals.HIT * QUERY_MS} ms.`);
  if (totals.unexpected > 0 || queries !== totals.MISS + totals.refreshes) {
    console.log(`\n${totals.unexpected} calls did not turn out as their reason says.`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
