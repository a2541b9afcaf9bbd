import type { MemcachedClient } from './memcached-client';

/** The client internals that say which server holds a key (not in the client's published types). */
interface RingInternals {
  servers?: unknown;
  /** Put before every key the client sends, and so before the key it hashes. */
  namespace?: unknown;
  HashRing?: { get?: (key: string) => unknown };
}

/**
 * Which server of the client's pool holds `key`, as the client itself picks it (its consistent
 * hash ring, which also follows servers the client swapped or removed). A client without those
 * internals (another version) gets one answer for every key: its reads are then batched together
 * and the client splits them itself.
 */
export function serverOfKey(client: MemcachedClient): (key: string) => string {
  const internals = client as unknown as RingInternals;
  const ring = internals.HashRing;
  const servers = internals.servers;
  if (!Array.isArray(servers) || servers.length <= 1 || typeof ring?.get !== 'function') return () => '';
  const namespace = typeof internals.namespace === 'string' ? internals.namespace : '';
  return (key) => String(ring.get?.(namespace + key));
}
