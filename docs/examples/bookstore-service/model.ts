// The book store's domain: what the HTTP routes read and change. Two implementations exist, one
// straight on the database (plain-bookstore.ts) and one through easy-cache (cached-bookstore.ts),
// so the driver can compare them request for request.

/** A customer. */
export interface User {
  readonly id: number;
  readonly name: string;
}

/** A title of the catalogue. */
export interface Book {
  readonly id: number;
  readonly title: string;
  readonly author: string;
}

/** A book a shop has in stock, with how many copies. */
export interface ShelfItem {
  readonly bookId: number;
  readonly title: string;
  readonly copies: number;
}

/** Everything the service does; reads may be cached, writes must make later reads fresh. */
export interface Bookstore {
  user(id: number): Promise<User | null>;
  book(id: number): Promise<Book | null>;
  favourites(userId: number): Promise<Book[]>;
  copies(shop: string, bookId: number): Promise<number>;
  shelf(shop: string): Promise<ShelfItem[]>;
  renameUser(id: number, name: string): Promise<boolean>;
  renameBook(id: number, title: string): Promise<boolean>;
  addFavourite(userId: number, bookId: number): Promise<boolean>;
  setCopies(shop: string, bookId: number, copies: number): Promise<void>;
}
