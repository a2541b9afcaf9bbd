// Which backend the service caches on: memory by default, Redis with REDIS_URL, Memcached with
// MEMCACHED_SERVERS. The client libraries are loaded only for the backend chosen.
import { MemoryCache, type CacheInstance } from '../../../lib';

/** A backend and how to name it in output. */
export interface ChosenBackend {
  readonly label: string;
  readonly backend: CacheInstance;
}

/**
 * The backend named by the environment. `namespace` prefixes every key on a shared server: the
 * database is rebuilt at each start, so entries of an earlier run must not be read.
 */
export async function chooseBackend(env: NodeJS.ProcessEnv, namespace: string): Promise<ChosenBackend> {
  const redisUrl = env.REDIS_URL?.trim();
  const memcachedServers = env.MEMCACHED_SERVERS?.trim();
  if (redisUrl && memcachedServers) {
    throw new Error('Set either REDIS_URL or MEMCACHED_SERVERS, not both');
  }
  if (redisUrl) {
    if (!/^rediss?:\/\//.test(redisUrl)) throw new Error(`REDIS_URL must look like redis://127.0.0.1:6379; received "${redisUrl}"`);
    const { RedisCache } = await import('../../../lib/backends/redis');
    return { label: `redis (${redisUrl})`, backend: new RedisCache({ url: redisUrl }, { prefix: namespace }) };
  }
  if (memcachedServers) {
    const servers = memcachedServers.split(',').map((server) => server.trim()).filter(Boolean);
    const malformed = servers.find((server) => !/^[^\s:]+:\d+$/.test(server));
    if (malformed !== undefined) throw new Error(`MEMCACHED_SERVERS must be host:port[,host:port...]; received "${malformed}"`);
    const { MemcachedCache } = await import('../../../lib/backends/memcached');
    return { label: `memcached (${servers.join(', ')})`, backend: new MemcachedCache(servers, { prefix: namespace }) };
  }
  return { label: 'memory', backend: new MemoryCache({ maxEntries: 10_000 }) };
}

/** Removes what the run stored where the backend can (Redis, memory), then closes it. */
export async function releaseBackend(backend: CacheInstance): Promise<void> {
  try {
    await backend.clear?.();
  } finally {
    await backend.close?.();
  }
}
