// The custom backend of docs/backends/custom-backend.md, over an in-process store with expiry in
// milliseconds: what a backend author writes, compiled against the installed tarball.
import { NOT_FOUND, taggedJson, type BackendTimeout, type CacheInstance } from 'easy-cache';

/** An async key-value store with expiry in milliseconds. */
export interface KeyValueStore {
  read(key: string): Promise<string | undefined>;
  write(key: string, text: string, ttlMs: number | undefined): Promise<void>;
  writeIfAbsent(key: string, text: string, ttlMs: number | undefined): Promise<boolean>;
  remove(key: string): Promise<boolean>;
}

export class StoreCache implements CacheInstance {
  constructor(private readonly store: KeyValueStore) {}

  async get(key: string): Promise<unknown> {
    const text = await this.store.read(key);
    return text === undefined ? NOT_FOUND : taggedJson.decode(text);
  }
  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    const values = await Promise.all(keys.map((key) => this.get(key)));
    keys.forEach((key, index) => {
      if (values[index] !== NOT_FOUND) found.set(key, values[index]);
    });
    return found;
  }
  async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    await this.setMany(new Map([[key, value]]), timeout);
  }
  async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    if (typeof timeout === 'number' && timeout <= 0) {
      await Promise.all([...entries.keys()].map((key) => this.store.remove(key)));
      return;
    }
    // Encode every value first: one that cannot be stored must leave the others unwritten.
    const texts = [...entries].map(([key, value]) => [key, taggedJson.encode(value)] as const);
    await Promise.all(texts.map(([key, text]) => this.store.write(key, text, ttlMs(timeout))));
  }
  async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    const text = taggedJson.encode(value);
    if (typeof timeout === 'number' && timeout <= 0) return false;
    return this.store.writeIfAbsent(key, text, ttlMs(timeout));
  }
  delete(key: string): Promise<boolean> {
    return this.store.remove(key);
  }
}

function ttlMs(timeout: BackendTimeout): number | undefined {
  return typeof timeout === 'number' ? Math.ceil(timeout * 1000) : undefined;
}

/** A `KeyValueStore` in a Map, for the tests. Each method checks and writes without an await between, so it is atomic. */
export class MapStore implements KeyValueStore {
  readonly #entries = new Map<string, { text: string; expiresAt: number }>();

  async read(key: string): Promise<string | undefined> {
    return this.#live(key);
  }
  async write(key: string, text: string, ttlMs: number | undefined): Promise<void> {
    this.#entries.set(key, { text, expiresAt: ttlMs === undefined ? Infinity : Date.now() + ttlMs });
  }
  async writeIfAbsent(key: string, text: string, ttlMs: number | undefined): Promise<boolean> {
    if (this.#live(key) !== undefined) return false;
    await this.write(key, text, ttlMs);
    return true;
  }
  async remove(key: string): Promise<boolean> {
    const present = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return present;
  }

  #live(key: string): string | undefined {
    const entry = this.#entries.get(key);
    return entry === undefined || entry.expiresAt <= Date.now() ? undefined : entry.text;
  }
}
