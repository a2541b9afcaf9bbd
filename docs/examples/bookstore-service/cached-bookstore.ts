// The book store through easy-cache. Reads go through cached methods (`cachedMethod` on the
// repositories) and cached functions (tags per book, a prefix per shop); every write invalidates
// exactly what it made stale: a key, a tag or a prefix.
import { cached, cachedMethod, invalidateCacheTags, metaAccepted } from '../../../lib';
import type { BookstoreDatabase } from './database';
import type { Bookstore } from './model';
import { BookRepository, UserRepository } from './repositories';

/** The alias under which the service registers its backend (see backend.ts). */
export const CACHE_ALIAS = 'bookstore';

/** Seconds an entry lives at most; invalidation keeps it fresh long before that. */
const TIMEOUT = 600;

class CachedUserRepository extends UserRepository {}
class CachedBookRepository extends BookRepository {}

// Keyed by id only: one repository serves every request, so the entry must not depend on it.
const findUser = cachedMethod(CachedUserRepository, 'findUser', { cacheKey: 'user:{id}', cacheAlias: CACHE_ALIAS, timeout: TIMEOUT });
// Tagged with its book, like every list that shows the book: renaming it drops them all.
cachedMethod(CachedBookRepository, 'findBook', { cacheKey: 'book:{id}', tags: ['book:{id}'], cacheAlias: CACHE_ALIAS, timeout: TIMEOUT });

/** A `Bookstore` whose reads are cached on the backend registered as `CACHE_ALIAS`. */
export function createCachedBookstore(db: BookstoreDatabase): Bookstore {
  const users = new CachedUserRepository(db);
  const books = new CachedBookRepository(db);

  const favourites = cached(async (userId: number) => db.favouriteBooks(userId), {
    name: 'favouriteBooks',
    cacheKey: 'favourites:{userId}',
    // One tag per book of the returned list: renaming a book drops exactly the lists holding it.
    tags: metaAccepted((meta) => (meta.hasReturnedValue ? (meta.returnedValue ?? []).map((book) => `book:${book.id}`) : [])),
    cacheAlias: CACHE_ALIAS,
    timeout: TIMEOUT,
  });
  // Everything a shop shows lives under its prefix: a stock change drops the shop's entries at once.
  const copies = cached(async (shop: string, bookId: number) => db.copies(shop, bookId), {
    name: 'copies',
    prefix: 'shop:{shop}',
    cacheKey: 'copies:{bookId}',
    cacheAlias: CACHE_ALIAS,
    timeout: TIMEOUT,
  });
  const shelf = cached(async (shop: string) => db.shelf(shop), {
    name: 'shelf',
    prefix: 'shop:{shop}',
    cacheKey: 'shelf',
    tags: metaAccepted((meta) => (meta.hasReturnedValue ? (meta.returnedValue ?? []).map((item) => `book:${item.bookId}`) : [])),
    cacheAlias: CACHE_ALIAS,
    timeout: TIMEOUT,
  });

  return {
    user: (id) => users.findUser(id),
    book: (id) => books.findBook(id),
    favourites: (userId) => favourites(userId),
    copies: (shop, bookId) => copies(shop, bookId),
    shelf: (shop) => shelf(shop),
    async renameUser(id, name) {
      const found = await db.renameUser(id, name);
      await findUser.invalidateCacheByKey(users, id);
      return found;
    },
    async renameBook(id, title) {
      const found = await db.renameBook(id, title);
      await invalidateCacheTags(`book:${id}`, { cacheAlias: CACHE_ALIAS });
      return found;
    },
    async addFavourite(userId, bookId) {
      const added = await db.addFavourite(userId, bookId);
      await favourites.invalidateCacheByKey(userId);
      return added;
    },
    async setCopies(shop, bookId, count) {
      await db.setCopies(shop, bookId, count);
      await copies.invalidateCacheByPrefix(shop);
    },
  };
}
