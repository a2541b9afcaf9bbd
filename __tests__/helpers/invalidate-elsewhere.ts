/**
 * Run by tests in a process of its own (`node ts-node/dist/bin.js --transpile-only <this file> <json>`):
 * invalidates tags on a real server as another process of the same service would, then exits.
 * The argument is `{ kind: 'redis' | 'redisCluster' | 'memcached', addresses, prefix, tags }`.
 */
import Redis, { Cluster } from 'ioredis';
import { invalidateCacheTags, type CacheInstance } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { hostAndPort } from './host-and-port';

interface Order {
  readonly kind: 'redis' | 'redisCluster' | 'memcached';
  readonly addresses: readonly string[];
  readonly prefix: string;
  readonly tags: readonly string[];
}

function backendFor(order: Order): { backend: CacheInstance; close(): Promise<void> } {
  if (order.kind === 'memcached') {
    const backend = new MemcachedCache([...order.addresses], { prefix: order.prefix });
    return { backend, close: () => backend.close() };
  }
  const client = order.kind === 'redis' ? new Redis(hostAndPort(order.addresses[0] ?? '')) : new Cluster(order.addresses.map(hostAndPort));
  return { backend: new RedisCache(client, { prefix: order.prefix }), close: async () => void client.disconnect() };
}

async function main(): Promise<void> {
  const order = JSON.parse(process.argv[2] ?? '{}') as Order;
  const { backend, close } = backendFor(order);
  try {
    await invalidateCacheTags([...order.tags], { cacheInstance: backend, backendTimeoutMs: 5000 });
  } finally {
    await close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
