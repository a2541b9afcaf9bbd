/**
 * The part of a `memcached` client (the npm package `memcached`, 2.2.x) that `MemcachedCache`
 * calls, written out here so that the published types need neither the client's own types nor
 * `@types/memcached`: a client from `new Memcached(...)` fits it, with or without those types.
 */

/** A node-style callback as the `memcached` client calls it: an error (or nothing), then the answer. */
export type MemcachedCallback = (error: unknown, answer: unknown) => void;

/** A `memcached` client, as `new MemcachedCache(client)` accepts it. */
export interface MemcachedClient {
  /** `get key`: calls back with the stored value, or `undefined` for a miss. */
  get(key: string, callback: MemcachedCallback): void;
  /** `get k1 k2 ...`: calls back with an object of the keys found. */
  getMulti(keys: string[], callback: MemcachedCallback): void;
  /** `set`: calls back with `true` when the server answered STORED. */
  set(key: string, value: string, lifetime: number, callback: MemcachedCallback): void;
  /** `add`: stores only if the key holds nothing. */
  add(key: string, value: string, lifetime: number, callback: MemcachedCallback): void;
  /** `touch`: sets a new lifetime (seconds, 0 = never expires) of a key that exists. */
  touch(key: string, lifetime: number, callback: (error: unknown) => void): void;
  /** `gets`: calls back with `{ [key]: value, cas }`, or `undefined` for a miss. Optional: used to release a lock. */
  gets?(key: string, callback: MemcachedCallback): void;
  /** `cas`: stores only if the key is unchanged since `gets` gave `cas`; calls back with whether it stored. Optional, as `gets`. */
  cas?(key: string, value: string, cas: string, lifetime: number, callback: MemcachedCallback): void;
  /** `delete`: calls back with whether the key was there. */
  del(key: string, callback: MemcachedCallback): void;
  /** Closes every connection of the client. */
  end(): void;
}
