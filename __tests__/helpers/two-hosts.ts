/**
 * Two hosts of one cache: two backend objects on the same server and key prefix, each with flights,
 * fences and a clock of its own, as two processes have. The second host's clock may run behind.
 */
import { Cluster } from 'ioredis';
import type { CacheInstance } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { describeSkippedWithout, serverAddresses, uniquePrefix, type ServerKind } from './server-suites';
import { hostAndPort } from './host-and-port';

export interface TwoHosts {
  /** The first host, on the real clock. */
  readonly first: CacheInstance;
  /** The second host, on the real clock less `lagMs`. */
  readonly second: CacheInstance;
  close(): Promise<void>;
}

/** Builds both hosts on the `kind` servers under `prefix`; the second one's clock (`CacheInstance.now`) runs `lagMs` behind. */
export function twoHosts(kind: ServerKind, prefix: string, lagMs = 0): TwoHosts {
  const now = (): number => Date.now() - lagMs;
  const addresses = serverAddresses(kind);
  if (kind === 'memcached') {
    const first = new MemcachedCache(addresses, { prefix });
    const second = new (class extends MemcachedCache {
      readonly now = now;
    })(addresses, { prefix });
    return { first, second, close: async () => void (await Promise.all([first.close(), second.close()])) };
  }
  if (kind === 'redisCluster') {
    const clients = [new Cluster(addresses.map(hostAndPort)), new Cluster(addresses.map(hostAndPort))] as const;
    const second = new (class extends RedisCache {
      readonly now = now;
    })(clients[1], { prefix });
    return { first: new RedisCache(clients[0], { prefix }), second, close: async () => clients.forEach((client) => client.disconnect()) };
  }
  const address = hostAndPort(addresses[0] ?? '');
  const first = new RedisCache(address, { prefix });
  const second = new (class extends RedisCache {
    readonly now = now;
  })(address, { prefix });
  return { first, second, close: async () => void (await Promise.all([first.close(), second.close()])) };
}

/**
 * Registers `body` once per server kind (Redis, a Redis Cluster, Memcached), under `title` with
 * `%s` replaced by the kind, with two hosts built before the block's first test and closed after
 * its last; a kind without its server gets a skipped block instead.
 */
export function describeOnTwoHosts(title: string, lagMs: number, body: (hosts: () => TwoHosts) => void): void {
  for (const kind of ['redis', 'redisCluster', 'memcached'] as const) {
    const named = title.replace('%s', kind);
    if (serverAddresses(kind).length === 0) {
      describeSkippedWithout(kind, named);
      continue;
    }
    describe(named, () => {
      let current: TwoHosts | undefined;
      beforeAll(() => {
        current = twoHosts(kind, uniquePrefix(`two-hosts-${kind}`), lagMs);
      });
      afterAll(async () => {
        await current?.close();
      });
      body(() => {
        if (!current) throw new Error(`the ${kind} hosts are used before their block's beforeAll`);
        return current;
      });
    });
  }
}
