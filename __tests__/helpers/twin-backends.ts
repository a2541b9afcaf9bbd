/**
 * Two backend objects on the same server and prefix: each has its own flights, so within one test
 * process they behave as two processes sharing the server (the lock tests' "process A" and "B").
 */
import { Cluster } from 'ioredis';
import type { CacheInstance } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { serverAddresses, uniquePrefix, type ServerKind } from './server-suites';
import { hostAndPort } from './host-and-port';

export type RemoteKind = Extract<ServerKind, 'redis' | 'redisCluster' | 'memcached'>;

/** The remote kinds whose servers this run has. */
export const REMOTE_KINDS: readonly RemoteKind[] = (['redis', 'redisCluster', 'memcached'] as const).filter((kind) => serverAddresses(kind).length > 0);

export interface Twins {
  readonly a: CacheInstance;
  readonly b: CacheInstance;
  readonly prefix: string;
  close(): Promise<void>;
}

/** One backend of `kind` on `prefix` (on the shared servers, unless `addresses` says) that owns its client. */
export function remoteOn(kind: RemoteKind, prefix: string, backendTimeoutMs = 5000, addresses = serverAddresses(kind)): { backend: CacheInstance; close(): Promise<void> } {
  if (kind === 'memcached') {
    const backend = new MemcachedCache(addresses, { prefix, backendTimeoutMs });
    return { backend, close: () => backend.close() };
  }
  if (kind === 'redis') {
    const backend = new RedisCache(hostAndPort(addresses[0] ?? ''), { prefix, backendTimeoutMs });
    return { backend, close: () => backend.close() };
  }
  const cluster = new Cluster(addresses.map(hostAndPort));
  return {
    backend: new RedisCache(cluster, { prefix, backendTimeoutMs }),
    close: async () => void cluster.disconnect(),
  };
}

/** Two backends of `kind` sharing a fresh prefix. */
export function twinBackends(kind: RemoteKind, label: string): Twins {
  const prefix = uniquePrefix(`${label}-${kind}`);
  const a = remoteOn(kind, prefix);
  const b = remoteOn(kind, prefix);
  return {
    a: a.backend,
    b: b.backend,
    prefix,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  };
}
