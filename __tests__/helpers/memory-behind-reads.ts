/**
 * A backend over a `MemoryCache` whose reads a test controls: it writes, adds and deletes in
 * memory, and a subclass says how `get` and `getMany` answer (late, gated, throwing...).
 */
import { MemoryCache, type BackendTimeout, type CacheInstance, type MemoryCacheOptions } from '../../lib';

export abstract class MemoryBehindReads implements CacheInstance {
  readonly inner: MemoryCache;

  constructor(options?: MemoryCacheOptions) {
    this.inner = new MemoryCache(options);
  }

  abstract get(key: string): Promise<unknown>;
  abstract getMany(keys: readonly string[]): Promise<Map<string, unknown>>;

  set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    return this.inner.set(key, value, timeout);
  }
  setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    return this.inner.setMany(entries, timeout);
  }
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    return this.inner.add(key, value, timeout);
  }
  delete(key: string): Promise<boolean> {
    return this.inner.delete(key);
  }
}
