import Redis from 'ioredis';

/**
 * `describe` blocks that need a real server. The global set-up starts the servers and publishes
 * their addresses in these variables; where a server could not be started the block is skipped
 * (global set-up has already printed why, and fails the run when EASY_CACHE_REQUIRE_SERVERS is set).
 */
export const SERVER_ENV = {
  redis: 'EASY_CACHE_TEST_REDIS',
  redisCluster: 'EASY_CACHE_TEST_REDIS_CLUSTER',
  memcached: 'EASY_CACHE_TEST_MEMCACHED',
} as const;

export type ServerKind = keyof typeof SERVER_ENV;

/** The `host:port` addresses of a started server kind (several for a cluster or a pool), or none. */
export function serverAddresses(kind: ServerKind): string[] {
  const value = process.env[SERVER_ENV[kind]];
  return value ? value.split(',').filter(Boolean) : [];
}

/** The skipped block that stands for the suite `name` when this run has no `kind` server. */
export function describeSkippedWithout(kind: ServerKind, name: string): void {
  describe.skip(`${name} (skipped: no ${kind} server, see the global set-up banner)`, () => {
    it('needs a server', () => undefined);
  });
}

function describeWith(kind: ServerKind) {
  return (name: string, body: (addresses: string[]) => void): void => {
    const addresses = serverAddresses(kind);
    if (addresses.length === 0) describeSkippedWithout(kind, name);
    else describe(name, () => body(addresses));
  };
}

/** Runs `body` with the address of a stand-alone redis-server. */
export const describeWithRedis = describeWith('redis');
/** Runs `body` with the addresses of the three masters of a Redis Cluster. */
export const describeWithRedisCluster = describeWith('redisCluster');
/** Runs `body` with the addresses of two memcached servers. */
export const describeWithMemcached = describeWith('memcached');

/** An ioredis client on the Redis at `address` (`host:port`), once it answers. */
export async function connectedRedis(address: string): Promise<Redis> {
  const [host = '127.0.0.1', port = '6379'] = address.split(':');
  const client = new Redis({ host, port: Number(port) });
  await client.ping();
  return client;
}

/** A key prefix of its own for each test file, so that files can share one server. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
