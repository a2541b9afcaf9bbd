/**
 * The three backends a table-driven fault suite runs on: memory, Redis and Memcached (the shared
 * test servers; a missing one is skipped with a banner by the global set-up). Each comes with a
 * raw writer that puts text under a cache key the way another client would.
 */
import Redis from 'ioredis';
import { MemoryCache, taggedJson, type CacheInstance } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { toSafeKey } from '../../lib/backends/memcached/safe-key';
import { RedisCache } from '../../lib/backends/redis';
import { rawSet } from '../helpers/raw-memcached';
import { serverAddresses, uniquePrefix } from '../helpers/server-suites';

/** One backend under test, with a way to write data behind the library's back. */
export interface BackendUnderTest {
  readonly name: 'memory' | 'redis' | 'memcached';
  readonly backend: CacheInstance;
  /** Stores `text` under the cache key `key` as another client would (memory: the value that text decodes to, or the text). */
  writeRaw(key: string, text: string): Promise<void>;
  close(): Promise<void>;
}

type Maker = () => BackendUnderTest;

const makers: Record<BackendUnderTest['name'], Maker | undefined> = {
  memory: () => {
    const backend = new MemoryCache();
    return {
      name: 'memory',
      backend,
      // A memory cache holds values, not text: it gets what a remote backend would decode from it.
      writeRaw: async (key, text) => {
        let value: unknown = text;
        try {
          value = taggedJson.decode(text);
        } catch {
          // Text the serializer refuses is stored as the string itself.
        }
        await backend.set(key, value, null);
      },
      close: () => backend.close(),
    };
  },
  redis: serverAddresses('redis').length === 0 ? undefined : () => {
    const [host, port] = (serverAddresses('redis')[0] as string).split(':');
    const prefix = uniquePrefix('hostile-redis');
    const backend = new RedisCache({ host, port: Number(port) }, { prefix, backendTimeoutMs: 1000 });
    const raw = new Redis({ host, port: Number(port), lazyConnect: true });
    return {
      name: 'redis',
      backend,
      writeRaw: async (key, text) => {
        await raw.set(`${prefix}:${key}`, text);
      },
      close: async () => {
        raw.disconnect();
        await backend.close();
      },
    };
  },
  memcached: serverAddresses('memcached').length === 0 ? undefined : () => {
    const address = serverAddresses('memcached')[0] as string;
    const prefix = uniquePrefix('hostile-mc');
    const backend = new MemcachedCache(address, { prefix, backendTimeoutMs: 1000 });
    return {
      name: 'memcached',
      backend,
      writeRaw: async (key, text) => {
        const answer = await rawSet(address, toSafeKey(`${prefix}:${key}`), 0, text);
        if (answer !== 'STORED') throw new Error(`raw memcached set answered ${answer}`);
      },
      close: () => backend.close(),
    };
  },
};

/** The names of the backends this run can test, with a banner for the ones it cannot. */
export function availableBackends(): BackendUnderTest['name'][] {
  const names = (Object.keys(makers) as BackendUnderTest['name'][]).filter((name) => makers[name] !== undefined);
  const missing = (Object.keys(makers) as BackendUnderTest['name'][]).filter((name) => makers[name] === undefined);
  if (missing.length > 0) console.warn(`!! hostile-input suites SKIPPED on ${missing.join(', ')}: no server (see the global set-up banner)`);
  return names;
}

/** Builds the backend `name`. */
export function makeBackend(name: BackendUnderTest['name']): BackendUnderTest {
  const make = makers[name];
  if (!make) throw new Error(`no ${name} server`);
  return make();
}
