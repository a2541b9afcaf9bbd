// The book store without a cache: every read is a database query. The driver's baseline.
import type { BookstoreDatabase } from './database';
import type { Bookstore } from './model';
import { BookRepository, UserRepository } from './repositories';

/** A `Bookstore` that reads the database on every call. */
export function createPlainBookstore(db: BookstoreDatabase): Bookstore {
  const users = new UserRepository(db);
  const books = new BookRepository(db);
  return {
    user: (id) => users.findUser(id),
    book: (id) => books.findBook(id),
    favourites: (userId) => db.favouriteBooks(userId),
    copies: (shop, bookId) => db.copies(shop, bookId),
    shelf: (shop) => db.shelf(shop),
    renameUser: (id, name) => db.renameUser(id, name),
    renameBook: (id, title) => db.renameBook(id, title),
    addFavourite: (userId, bookId) => db.addFavourite(userId, bookId),
    setCopies: (shop, bookId, copies) => db.setCopies(shop, bookId, copies),
  };
}
