// An ES module TypeScript service on Redis, written as the docs show: option functions take the
// wrapped function's parameters without annotations. Compiled by pack.test.ts with
// `tsc --strict --module nodenext` against the installed tarball, then run against the test
// suite's Redis (REDIS_URL). Prints one JSON report and exits on its own (the backend is closed).
import { cached, caches, invalidateCacheTags } from 'easy-cache';
import { RedisCache } from 'easy-cache/redis';

interface Book {
  id: number;
  title: string;
  shelf: string;
}

const table = new Map<number, Book>([
  [1, { id: 1, title: 'Dune', shelf: 'sf' }],
  [2, { id: 2, title: 'Emma', shelf: 'classics' }],
]);
let queries = 0;

async function findBook(id: number): Promise<Book | null> {
  queries += 1;
  return table.get(id) ?? null;
}

async function listShelf(shelf: string, page = 1): Promise<string[]> {
  queries += 1;
  return [...table.values()].filter((book) => book.shelf === shelf).map((book) => `${page}:${book.title}`);
}

const redis = new RedisCache({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, { prefix: `svc-esm-${process.pid}` });
caches.setDefault(redis);

export const getBook = cached(findBook, {
  cacheKey: (id) => `book:${id}`,
  tags: (id) => [`book:${id}`],
  timeout: (id) => (id === 1 ? 600 : 60),
});

export const getShelf = cached(listShelf, {
  cacheKey: 'shelf:{shelf}:{page}',
  tags: (shelf, page) => [`shelf:${shelf}`, `page:${page ?? 1}`],
  prefix: (shelf) => `shelves:${shelf}`,
});

async function renameBook(id: number, title: string): Promise<void> {
  const book = table.get(id);
  if (book) table.set(id, { ...book, title });
  await invalidateCacheTags([`book:${id}`, `shelf:${book?.shelf}`]);
}

const steps: Array<{ step: string; value: unknown; queries: number }> = [];
const record = (step: string, value: unknown): void => void steps.push({ step, value, queries });

try {
  record('miss', await getBook(1));
  record('hit', await getBook(1));
  record('shelf miss', await getShelf('sf'));
  record('shelf hit', await getShelf('sf'));
  await renameBook(1, 'Dune Messiah');
  record('after rename', await getBook(1));
  record('shelf after rename', await getShelf('sf'));
  record('key', getBook.getCacheKey(2));
} finally {
  await redis.close();
}
console.log(JSON.stringify({ service: 'esm-redis', steps }));
