// Starts one book store service: a fresh database, the cached or the plain book store, and the
// HTTP server on loopback. Used by server.ts (`npm run example`) and by the driver.
import { caches, type CacheInstance } from '../../../lib';
import { buildApp } from './app';
import { CACHE_ALIAS, createCachedBookstore } from './cached-bookstore';
import { BookstoreDatabase } from './database';
import { createPlainBookstore } from './plain-bookstore';

/** How to start the service. */
export interface ServiceOptions {
  /** The backend to cache on; without one, the service reads the database on every request. */
  readonly backend?: CacheInstance;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly queryDelayMs: number;
}

/** A running service. */
export interface RunningService {
  readonly url: string;
  readonly db: BookstoreDatabase;
  /** Stops the HTTP server and frees the database (the backend stays with its owner). */
  close(): Promise<void>;
}

/** Opens the database, registers the backend under `CACHE_ALIAS` and listens. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const db = await BookstoreDatabase.open({ queryDelayMs: options.queryDelayMs });
  let store = createPlainBookstore(db);
  if (options.backend) {
    caches.set(CACHE_ALIAS, options.backend);
    store = createCachedBookstore(db);
  }
  const app = buildApp(store);
  const url = await app.listen({ port: options.port, host: options.host });
  return {
    url,
    db,
    async close() {
      await app.close();
      if (options.backend) caches.delete(CACHE_ALIAS);
      db.close();
    },
  };
}
