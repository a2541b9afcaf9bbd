import Redis from 'ioredis';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';

/**
 * Builders of each remote backend from its options alone, for tests of option handling: Redis on
 * a client that never connects (`lazyConnect`), Memcached on an address nothing listens on. Call
 * `disconnect` after the file's tests.
 */
export function remoteOptionBuilders(): {
  builders: ReadonlyArray<readonly [string, (options: object) => RedisCache | MemcachedCache]>;
  disconnect: () => void;
} {
  const idle = new Redis({ lazyConnect: true });
  return {
    builders: [
      ['RedisCache', (options) => new RedisCache(idle, options as never)],
      ['MemcachedCache', (options) => new MemcachedCache('127.0.0.1:1', options as never)],
    ],
    disconnect: () => idle.disconnect(),
  };
}
