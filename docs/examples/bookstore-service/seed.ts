// The sample data: a few shops, users, books, favourites and stock, generated the same way on
// every start so that two services (with and without the cache) begin from identical databases.

/** The shops of the chain; each is a cache prefix of its own. */
export const SHOPS = ['north', 'south', 'east', 'west'] as const;

/** How many users and books the seed creates. */
export const SEED_SIZE = { users: 40, books: 120 } as const;

const FIRST_NAMES = ['Ann', 'Bob', 'Chloe', 'Dev', 'Eva', 'Farid', 'Gus', 'Hana'];
const AUTHORS = ['Austen', 'Borges', 'Calvino', 'Dickens', 'Eliot', 'Flaubert', 'Gogol', 'Hesse', 'Ishiguro', 'Joyce'];
const WORDS = ['Silent', 'River', 'Glass', 'Harbour', 'Winter', 'Orchard', 'Lantern', 'Paper', 'Garden', 'Tide', 'Atlas', 'Echo'];

/** The SQL that creates the schema and fills it. */
export function seedStatements(): string[] {
  const statements = [
    'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
    'CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author TEXT NOT NULL)',
    'CREATE TABLE favourites (user_id INTEGER NOT NULL REFERENCES users(id), book_id INTEGER NOT NULL REFERENCES books(id), PRIMARY KEY (user_id, book_id))',
    'CREATE TABLE stock (shop TEXT NOT NULL, book_id INTEGER NOT NULL REFERENCES books(id), copies INTEGER NOT NULL, PRIMARY KEY (shop, book_id))',
  ];
  for (let id = 1; id <= SEED_SIZE.users; id++) {
    statements.push(`INSERT INTO users VALUES (${id}, '${FIRST_NAMES[id % FIRST_NAMES.length]} ${id}')`);
  }
  for (let id = 1; id <= SEED_SIZE.books; id++) {
    const title = `${WORDS[id % WORDS.length]} ${WORDS[(id * 7) % WORDS.length]} ${id}`;
    statements.push(`INSERT INTO books VALUES (${id}, '${title}', '${AUTHORS[id % AUTHORS.length]}')`);
  }
  for (let user = 1; user <= SEED_SIZE.users; user++) {
    for (let k = 0; k < 3 + (user % 5); k++) {
      statements.push(`INSERT OR IGNORE INTO favourites VALUES (${user}, ${((user * 13 + k * 29) % SEED_SIZE.books) + 1})`);
    }
  }
  SHOPS.forEach((shop, index) => {
    for (let book = 1; book <= SEED_SIZE.books; book++) {
      if ((book + index) % 3 === 0) statements.push(`INSERT INTO stock VALUES ('${shop}', ${book}, ${(book * (index + 3)) % 7})`);
    }
  });
  return statements;
}
