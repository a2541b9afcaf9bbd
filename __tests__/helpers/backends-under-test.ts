/**
 * The one place that builds "the backends a suite runs on": memory, Redis, a Redis Cluster and
 * Memcached on the shared test servers. `describeOnBackends` registers a suite once per backend;
 * a backend whose server is missing gets a skipped block with a banner (the global set-up has
 * already said why, and fails the run when EASY_CACHE_REQUIRE_SERVERS is set).
 */
import Redis, { Cluster } from 'ioredis';
import { MemoryCache, taggedJson, type BreakerOption, type CacheInstance } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { toSafeKey } from '../../lib/backends/memcached/safe-key';
import { RedisCache } from '../../lib/backends/redis';
import { rawSet } from './raw-memcached';
import { describeSkippedWithout, serverAddresses, uniquePrefix, type ServerKind } from './server-suites';
import { hostAndPort } from './host-and-port';

export type BackendName = 'memory' | 'redis' | 'redis-cluster' | 'memcached';

/** Every backend, in the order suites run on them. */
export const ALL_BACKENDS: readonly BackendName[] = ['memory', 'redis', 'redis-cluster', 'memcached'];

/** One backend under test, with ways to write behind the library's back and to let time pass. */
export interface BackendUnderTest {
  readonly name: BackendName;
  readonly backend: CacheInstance;
  /** Stores `text` under the cache key `key` as another client would (memory: the value that text decodes to, or the text). */
  writeRaw(key: string, text: string): Promise<void>;
  /** Lets `ms` pass for expiry: the memory backend's injected clock jumps, a server's clock is waited for. */
  passTime(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** How a suite wants its backends built. */
export interface BackendSettings {
  /** Names the key prefix of the remote backends (`label-name-pid-random`), so files can share a server. */
  label: string;
  /** The bound on each call to a remote backend; unset, the library's default. */
  backendTimeoutMs?: number;
  /** Redis: `true` builds an ioredis client here and passes it in (the test owns it); `false` lets the backend build its own. @default false */
  passClient?: boolean;
  /** Memcached: every started server (the default) or only the first. */
  memcachedServers?: 'all' | 'first';
}

/** A remote backend that owns its client, so that `close()` ends every socket and timer it made. */
export type RemoteBackend = CacheInstance & { close(): Promise<void> };

/** A backend of `kind` on `address` that builds its own client (with the library's safe defaults). */
export function remoteBackend(kind: 'redis' | 'memcached', address: string, options: { prefix: string; backendTimeoutMs?: number; breaker?: BreakerOption }): RemoteBackend {
  if (kind === 'memcached') return new MemcachedCache(address, options);
  return new RedisCache(hostAndPort(address), options);
}

const SERVER_OF: Record<BackendName, ServerKind | undefined> = {
  memory: undefined,
  redis: 'redis',
  'redis-cluster': 'redisCluster',
  memcached: 'memcached',
};

/** Whether this run has the server `name` needs. */
export function canRunOn(name: BackendName): boolean {
  const kind = SERVER_OF[name];
  return kind === undefined || serverAddresses(kind).length > 0;
}

/**
 * The bound of a backend whose test does not set one: the default 250 ms is an upper time bound
 * that a loaded 2-core CI machine does not always keep, and a get cut by it makes the function run
 * again (a wrong run count, not a fault). Tests of the bound itself set their own.
 */
const UNHURRIED_BOUND_MS = 5000;

/** Builds the backend `name` with `settings`. */
export function makeBackend(name: BackendName, settings: BackendSettings): BackendUnderTest {
  if (!canRunOn(name)) throw new Error(`no ${name} server (see the global set-up banner)`);
  const prefix = uniquePrefix(`${settings.label}-${name}`);
  const options = { prefix, backendTimeoutMs: settings.backendTimeoutMs ?? UNHURRIED_BOUND_MS };
  switch (name) {
    case 'memory':
      return memoryUnderTest();
    case 'redis':
      return redisUnderTest(serverAddresses('redis')[0] as string, options, settings.passClient ?? false);
    case 'redis-cluster':
      return clusterUnderTest(serverAddresses('redisCluster'), options);
    case 'memcached': {
      const addresses = serverAddresses('memcached');
      return memcachedUnderTest(settings.memcachedServers === 'first' ? addresses.slice(0, 1) : addresses, options);
    }
  }
}

/**
 * Registers `body` once per backend in `names`, under `title` with `%s` replaced by the backend's
 * name. The backend is built before the block's first test and closed after its last; `body`
 * reaches it through `under()`. A backend without its server gets a skipped block instead.
 */
export function describeOnBackends(
  title: string,
  names: readonly BackendName[],
  settings: BackendSettings,
  body: (under: () => BackendUnderTest, name: BackendName) => void,
): void {
  for (const name of names) {
    const named = title.replace('%s', name);
    const kind = SERVER_OF[name];
    if (kind !== undefined && serverAddresses(kind).length === 0) {
      describeSkippedWithout(kind, named);
      continue;
    }
    describe(named, () => {
      let current: BackendUnderTest | undefined;
      beforeAll(() => {
        current = makeBackend(name, settings);
      });
      afterAll(async () => {
        await current?.close();
      });
      body(() => {
        if (!current) throw new Error(`the ${name} backend is used before its block's beforeAll`);
        return current;
      }, name);
    });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function memoryUnderTest(): BackendUnderTest {
  // The real clock plus whatever `passTime` added: expiry without waiting, and nothing else changes.
  let skipped = 0;
  const backend = new MemoryCache({ now: () => Date.now() + skipped });
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
    passTime: async (ms) => {
      skipped += ms;
    },
    close: () => backend.close(),
  };
}

function redisUnderTest(address: string, options: { prefix: string; backendTimeoutMs?: number }, passClient: boolean): BackendUnderTest {
  // Without passClient the backend builds its own client; this one then serves raw writes only.
  const raw = new Redis({ ...hostAndPort(address), lazyConnect: !passClient });
  return overRedis('redis', raw, new RedisCache(passClient ? raw : hostAndPort(address), options), options.prefix);
}

function clusterUnderTest(addresses: string[], options: { prefix: string; backendTimeoutMs?: number }): BackendUnderTest {
  const cluster = new Cluster(addresses.map(hostAndPort));
  return overRedis('redis-cluster', cluster, new RedisCache(cluster, options), options.prefix);
}

/** A Redis backend with `client` for raw writes; closing clears the prefix and ends both. */
function overRedis(name: 'redis' | 'redis-cluster', client: Redis | Cluster, backend: RedisCache, prefix: string): BackendUnderTest {
  return {
    name,
    backend,
    writeRaw: async (key, text) => {
      await client.set(`${prefix}:${key}`, text);
    },
    passTime: sleep,
    close: async () => {
      await backend.clear();
      await backend.close();
      client.disconnect();
    },
  };
}

function memcachedUnderTest(addresses: string[], options: { prefix: string; backendTimeoutMs?: number }): BackendUnderTest {
  const backend = new MemcachedCache(addresses, options);
  return {
    name: 'memcached',
    backend,
    writeRaw: async (key, text) => {
      if (addresses.length !== 1) throw new Error('writeRaw on memcached needs a backend on one server (memcachedServers: "first")');
      const answer = await rawSet(addresses[0] as string, toSafeKey(`${options.prefix}:${key}`), 0, text);
      if (answer !== 'STORED') throw new Error(`raw memcached set answered ${answer}`);
    },
    passTime: sleep,
    close: () => backend.close(),
  };
}
