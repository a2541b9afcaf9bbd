import type Memcached from 'memcached';
import { requirePeer } from '../shared/require-peer';
import { replaceIssueHandling } from './client-patches';
import type { MemcachedClient } from './memcached-client';

/** A `memcached` client for `addresses`, with the options in docs/backends/memcached.md. */
export function buildClient(addresses: readonly string[], stallMs: number, maxItemBytes: number): MemcachedClient {
  const Client = requirePeer<typeof Memcached>('memcached', 'easy-cache/memcached', () => require('memcached'));
  // The connection-pool retry settings are read by the client but missing from its published types.
  const options: Memcached.options & { minTimeout: number; maxTimeout: number; factor: number } = {
    // A connection that cannot be had (a burst while the pool is still connecting, a refused connect) is
    // retried after 10, 20, 40, 80 and 160 ms, instead of the client's 1 s to 60 s back-off.
    retries: 5,
    minTimeout: 10,
    factor: 2,
    maxTimeout: 160,
    // Connect timeout; an open connection is closed after `idle` ms without traffic.
    timeout: stallMs,
    idle: 5000,
    // easy-cache makes keys safe itself; the client's md5 compression would count characters, not bytes.
    keyCompression: false,
    namespace: '',
    remove: false,
    // The backend checks item sizes itself (with the key and memcached's own bytes); the client's own check must not be stricter.
    maxValue: maxItemBytes,
  };
  const client = new Client(addresses.length === 1 ? (addresses[0] as string) : [...addresses], options);
  replaceIssueHandling(client);
  return client;
}
