import { BackendError, CacheConfigError } from '../../errors';
import type { Serializer } from '../../serializer/serializer';
import { NOT_FOUND, type BackendTimeout, type CacheInstance } from '../backend';
import { LruList, type LruNode } from './lru-list';
import { resolveMemoryCacheOptions, type MemoryCacheOptions } from './memory-cache-options';

/** `expiresAt` value meaning "store nothing" (a timeout of 0 or less). */
const DO_NOT_STORE = -1;

/**
 * An in-process backend: a bounded LRU map with per-entry expiry and no timers.
 *
 * Entries are kept in order of use (a read makes its entry the most recent); storing a new key
 * when `maxEntries` are held evicts the least recently used one. Expiry is checked
 * when an entry is read; expired entries that are never read again age out as the least recently
 * used, or through `prune()`. By default objects are stored as encoded copies (see
 * `MemoryCacheOptions.copy`).
 *
 * After `close()` the cache is empty and every call rejects with a `BackendError`.
 *
 * @example
 * const cache = new MemoryCache({ maxEntries: 1000, defaultTimeout: 60 });
 * caches.setDefault(cache);
 */
export class MemoryCache implements CacheInstance {
  /** The bound on one call, in milliseconds, when the `backendTimeoutMs` option was given. */
  readonly backendTimeoutMs: number | undefined;
  /** Answers from this process and cannot hang: the core arms no timer around its calls. */
  readonly inProcess = true;
  readonly #entries = new LruList();
  readonly #maxEntries: number;
  readonly #copy: boolean;
  readonly #serializer: Serializer;
  readonly #defaultTimeout: number | null;
  readonly #now: () => number;
  #closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    const resolved = resolveMemoryCacheOptions(options);
    this.backendTimeoutMs = resolved.backendTimeoutMs;
    this.#maxEntries = resolved.maxEntries;
    this.#copy = resolved.copy;
    this.#serializer = resolved.serializer;
    this.#defaultTimeout = resolved.defaultTimeout;
    this.#now = resolved.now;
  }

  /** How many entries are held, expired ones not yet reclaimed included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value under `key`, or `NOT_FOUND`; a hit becomes the most recently used entry. */
  /** `get` without a Promise: lets the core answer a hit with no await at all. */
  getSync(key: string): unknown {
    if (this.#closed) throw closedError('get', key);
    return this.#read(key);
  }

  async get(key: string): Promise<unknown> {
    if (this.#closed) throw closedError('get', key);
    return this.#read(key);
  }

  /** The found keys only, in the order asked; each hit becomes recently used. */
  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    if (this.#closed) throw closedError('getMany', keys[0]);
    const found = new Map<string, unknown>();
    for (const key of keys) {
      const value = this.#read(key);
      if (value !== NOT_FOUND) found.set(key, value);
    }
    return found;
  }

  /** Stores `value` for `timeout` seconds; 0 or less deletes the entry instead. */
  async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    if (this.#closed) throw closedError('set', key);
    const expiresAt = this.#expiresAt(timeout);
    if (expiresAt === DO_NOT_STORE) {
      this.#remove(key);
      return;
    }
    const encoded = this.#needsEncoding(value);
    this.#store(key, encoded ? this.#serializer.encode(value) : value, encoded, expiresAt);
  }

  /** Stores every entry, or (when one value cannot be encoded) none of them. */
  async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    if (this.#closed) throw closedError('setMany', entries.keys().next().value);
    const expiresAt = this.#expiresAt(timeout);
    if (expiresAt === DO_NOT_STORE) {
      for (const key of entries.keys()) this.#remove(key);
      return;
    }
    const prepared: Array<[string, unknown, boolean]> = [];
    for (const [key, value] of entries) {
      const encoded = this.#needsEncoding(value);
      prepared.push([key, encoded ? this.#serializer.encode(value) : value, encoded]);
    }
    for (const [key, stored, encoded] of prepared) this.#store(key, stored, encoded, expiresAt);
  }

  /** Stores `value` only if `key` holds nothing live (an expired entry counts as nothing). */
  async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    if (this.#closed) throw closedError('add', key);
    const expiresAt = this.#expiresAt(timeout);
    const entry = this.#entries.peek(key);
    if (entry !== undefined && this.#isLive(entry)) return false;
    if (expiresAt === DO_NOT_STORE) return false;
    const encoded = this.#needsEncoding(value);
    this.#store(key, encoded ? this.#serializer.encode(value) : value, encoded, expiresAt);
    return true;
  }

  /** Removes `key`; resolves whether a live entry was there. */
  async delete(key: string): Promise<boolean> {
    if (this.#closed) throw closedError('delete', key);
    const entry = this.#entries.peek(key);
    if (entry === undefined) return false;
    this.#entries.remove(entry);
    return this.#isLive(entry);
  }

  /** Removes every entry. */
  async clear(): Promise<void> {
    if (this.#closed) throw closedError('clear');
    this.#entries.clear();
  }

  /** Empties the cache and refuses further calls; calling it again does nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
  }

  /** Removes expired entries now (O(n)); returns how many. Never needed for correctness. */
  prune(): number {
    const now = this.#now();
    let removed = 0;
    for (const node of this.#entries.nodes()) {
      if (node.expiresAt !== 0 && node.expiresAt <= now) {
        this.#entries.remove(node);
        removed++;
      }
    }
    return removed;
  }

  #read(key: string): unknown {
    const node = this.#entries.peek(key);
    if (node === undefined) return NOT_FOUND;
    if (node.expiresAt !== 0 && node.expiresAt <= this.#now()) {
      this.#entries.remove(node);
      return NOT_FOUND;
    }
    this.#entries.touch(node);
    return node.encoded ? this.#serializer.decode(node.value as string) : node.value;
  }

  #isLive(entry: LruNode): boolean {
    return entry.expiresAt === 0 || entry.expiresAt > this.#now();
  }

  /** Primitives are immutable, so only objects (and what must fail to encode) go through the serializer. */
  #needsEncoding(value: unknown): boolean {
    if (!this.#copy) return false;
    const type = typeof value;
    return type === 'object' ? value !== null : type === 'function' || type === 'symbol';
  }

  #store(key: string, value: unknown, encoded: boolean, expiresAt: number): void {
    const node = this.#entries.peek(key);
    if (node !== undefined) {
      node.value = value;
      node.encoded = encoded;
      node.expiresAt = expiresAt;
      this.#entries.touch(node);
      return;
    }
    if (this.#entries.size >= this.#maxEntries) this.#entries.removeOldest();
    this.#entries.insert(key, value, encoded, expiresAt);
  }

  #remove(key: string): void {
    const node = this.#entries.peek(key);
    if (node !== undefined) this.#entries.remove(node);
  }

  /** Milliseconds on this cache's clock when an entry written now expires; 0 = never. */
  #expiresAt(timeout: BackendTimeout): number {
    const seconds = timeout === undefined ? this.#defaultTimeout : timeout;
    if (seconds === null) return 0;
    if (typeof seconds === 'number' && !Number.isNaN(seconds)) {
      return seconds > 0 ? this.#now() + seconds * 1000 : DO_NOT_STORE;
    }
    throw new CacheConfigError(
      `MemoryCache: timeout must be a number of seconds, null or undefined; received ${typeof seconds === 'number' ? 'NaN' : typeof seconds}`,
      { option: 'timeout', received: seconds },
    );
  }
}

function closedError(operation: string, key?: string): BackendError {
  return new BackendError(`MemoryCache: ${operation} after close(); this cache was closed`, { operation, key });
}
