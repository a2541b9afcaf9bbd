/**
 * The near cache of `MemcachedCache` (SPEC 11.6): a `NearTier` over a plain `MemcachedCache`.
 * Memcached cannot push changes, so nothing keeps the tier coherent but time: every entry and tag
 * version is held for at most `ttlMs`, and another process's write or invalidation reaches this
 * process within `ttlMs`. This process's own writes and invalidations update it at once.
 */
import type { CacheInstance } from '../backend';
import { NearTier, type LivedValue } from '../near/near-tier';
import type { ResolvedNearCacheOptions } from '../near/near-options';
import type { Serializer } from '../../serializer/serializer';

/** A near tier over `remote` that trusts itself from the start and forgets after `ttlMs`. */
export function memcachedNearTier(remote: CacheInstance, options: ResolvedNearCacheOptions, serializer: Serializer, defaultTimeout: number | null): NearTier {
  return new NearTier(
    {
      remote,
      maxLifeMs: options.ttlMs ?? 0,
      defaultTimeout,
      serializer,
      keepable: () => true,
      // Memcached does not tell how long a key has left: `ttlMs` bounds the copy instead.
      readWithLife: async (keys) => {
        const found = new Map<string, LivedValue>();
        for (const [key, value] of await remote.getMany(keys)) found.set(key, { value, lifeMs: null });
        return found;
      },
    },
    options,
    true,
  );
}
