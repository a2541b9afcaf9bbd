/**
 * Entry point `easy-cache/memcached`: the Memcached backend. It loads the `memcached` client (an
 * optional peer dependency) when the first `MemcachedCache` is built; the core entry `easy-cache`
 * never does.
 *
 * @example
 * import { MemcachedCache } from 'easy-cache/memcached';
 * const cache = new MemcachedCache('127.0.0.1:11211', { prefix: 'app' });
 *
 * @module easy-cache/memcached
 */
export { MemcachedCache, MEMCACHED_MAX_PENDING_CALLS } from './memcached-cache';
export type { MemcachedServers } from './memcached-options';
export type { MemcachedClient, MemcachedCallback } from './memcached-client';
export { MEMCACHED_DEFAULTS } from './memcached-options';
export type { MemcachedCacheOptions } from './memcached-options';
export type { MemcachedNearCacheOptions } from '../near/near-options';
export { toSafeKey, MEMCACHED_MAX_KEY_BYTES, HASHED_KEY_MARKER, MEMCACHED_HASHED_KEY_MARKER } from './safe-key';
export { toExptime, MEMCACHED_MAX_RELATIVE_EXPIRY } from './expiry';
