/** What the near tier needs of the remote store it is in front of. */
import type { CacheInstance } from '../backend';
import type { Serializer } from '../../serializer/serializer';

/** A value read from the remote store, with the milliseconds it has left there (`null`: no expiry). */
export interface LivedValue {
  readonly value: unknown;
  readonly lifeMs: number | null;
}

/** What the near tier needs of its remote store. */
export interface NearSource {
  /** The remote backend: every write, and reads while bypassed, go to it. */
  readonly remote: CacheInstance;
  /** The found keys among `keys`, with their values and lives, in one round trip. */
  readWithLife(keys: readonly string[]): Promise<Map<string, LivedValue>>;
  /** The most milliseconds a value is kept (Memcached's `ttlMs`); `Infinity`: as long as it lives remotely. */
  readonly maxLifeMs: number;
  /** Seconds a write without a timeout lives remotely (the backend's `defaultTimeout`). */
  readonly defaultTimeout: number | null;
  /** The serializer that `copy` uses, the remote store's. */
  readonly serializer: Serializer;
  /** Whether `key` may be kept (a key the remote store hashes is never told back by its pushes). */
  keepable(key: string): boolean;
  /** The clock near copies expire by, in milliseconds like `Date.now` (tests move it by hand). */
  readonly now?: () => number;
}
