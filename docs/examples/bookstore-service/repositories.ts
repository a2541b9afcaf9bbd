// Repository classes as an application would have them before adopting a cache. The cached
// book store caches their methods in place with `cachedMethod` (on subclasses, so that the plain
// book store keeps the originals); their code is not touched.
import type { BookstoreDatabase } from './database';
import type { Book, User } from './model';

/** Reads users. */
export class UserRepository {
  constructor(readonly db: BookstoreDatabase) {}

  async findUser(id: number): Promise<User | null> {
    return this.db.user(id);
  }
}

/** Reads books. */
export class BookRepository {
  constructor(readonly db: BookstoreDatabase) {}

  async findBook(id: number): Promise<Book | null> {
    return this.db.book(id);
  }
}
