// The embedded database: SQLite compiled to WebAssembly (sql.js), in memory, seeded on open.
// SQLite in process answers in microseconds; a real service talks to a database server, so each
// query first waits `queryDelayMs` (a network round trip) to make the cache's effect visible.
import initSqlJs, { type Database, type SqlValue } from 'sql.js';
import type { Book, ShelfItem, User } from './model';
import { seedStatements } from './seed';

/** How the database behaves. */
export interface DatabaseOptions {
  /** Milliseconds each query waits before it runs, standing for a round trip to a database server. */
  readonly queryDelayMs: number;
}

type Row = Record<string, SqlValue>;

/** The book store's tables and the queries the service runs on them; counts every query. */
export class BookstoreDatabase {
  /** Queries run so far (reads and writes). */
  queries = 0;
  readonly #db: Database;
  readonly #delayMs: number;

  private constructor(db: Database, options: DatabaseOptions) {
    this.#db = db;
    this.#delayMs = options.queryDelayMs;
  }

  /** A fresh in-memory database holding the seed data. */
  static async open(options: DatabaseOptions): Promise<BookstoreDatabase> {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec(seedStatements().join(';\n'));
    return new BookstoreDatabase(db, options);
  }

  async user(id: number): Promise<User | null> {
    const [row] = await this.#all('SELECT id, name FROM users WHERE id = ?', [id]);
    return row ? { id: Number(row.id), name: String(row.name) } : null;
  }

  async book(id: number): Promise<Book | null> {
    const [row] = await this.#all('SELECT id, title, author FROM books WHERE id = ?', [id]);
    return row ? toBook(row) : null;
  }

  async favouriteBooks(userId: number): Promise<Book[]> {
    const sql = 'SELECT b.id, b.title, b.author FROM favourites f JOIN books b ON b.id = f.book_id WHERE f.user_id = ? ORDER BY b.id';
    return (await this.#all(sql, [userId])).map(toBook);
  }

  async copies(shop: string, bookId: number): Promise<number> {
    const [row] = await this.#all('SELECT copies FROM stock WHERE shop = ? AND book_id = ?', [shop, bookId]);
    return row ? Number(row.copies) : 0;
  }

  async shelf(shop: string): Promise<ShelfItem[]> {
    const sql = 'SELECT b.id, b.title, s.copies FROM stock s JOIN books b ON b.id = s.book_id WHERE s.shop = ? AND s.copies > 0 ORDER BY b.id';
    return (await this.#all(sql, [shop])).map((row) => ({ bookId: Number(row.id), title: String(row.title), copies: Number(row.copies) }));
  }

  /** Whether the user exists (and was renamed). */
  async renameUser(id: number, name: string): Promise<boolean> {
    return (await this.#run('UPDATE users SET name = ? WHERE id = ?', [name, id])) > 0;
  }

  /** Whether the book exists (and was renamed). */
  async renameBook(id: number, title: string): Promise<boolean> {
    return (await this.#run('UPDATE books SET title = ? WHERE id = ?', [title, id])) > 0;
  }

  /** Whether the favourite was new. */
  async addFavourite(userId: number, bookId: number): Promise<boolean> {
    return (await this.#run('INSERT OR IGNORE INTO favourites VALUES (?, ?)', [userId, bookId])) > 0;
  }

  async setCopies(shop: string, bookId: number, copies: number): Promise<void> {
    await this.#run('INSERT INTO stock VALUES (?, ?, ?) ON CONFLICT (shop, book_id) DO UPDATE SET copies = excluded.copies', [shop, bookId, copies]);
  }

  /** Frees the WebAssembly memory. */
  close(): void {
    this.#db.close();
  }

  async #all(sql: string, params: SqlValue[]): Promise<Row[]> {
    await this.#roundTrip();
    const statement = this.#db.prepare(sql, params);
    try {
      const rows: Row[] = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return rows;
    } finally {
      statement.free();
    }
  }

  /** Runs a write; resolves to the number of rows it changed. */
  async #run(sql: string, params: SqlValue[]): Promise<number> {
    await this.#roundTrip();
    this.#db.run(sql, params);
    return this.#db.getRowsModified();
  }

  async #roundTrip(): Promise<void> {
    this.queries++;
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
  }
}

function toBook(row: Row): Book {
  return { id: Number(row.id), title: String(row.title), author: String(row.author) };
}
