/**
 * The physical limits: what an application would write by hand with no caching library, with the
 * same keys and the same value (JSON text on the servers).
 */
import { TTL_SECONDS, makeUser } from './libraries.js';
import { redisConnection } from './shared-redis.js';

/** A `Map` read in an async function: `{ get(id) }` for hits, `getOrLoad(id)` for misses. */
export function rawMap(loader) {
  const map = new Map();
  return {
    get: async (id) => map.get('user:' + id),
    getOrLoad: async (id) => {
      const key = 'user:' + id;
      let value = map.get(key);
      if (value === undefined) {
        value = await loader.load(id);
        map.set(key, value);
      }
      return value;
    },
    fill: (ids) => {
      for (const id of ids) map.set('user:' + id, makeUser(id));
    },
    close: async () => map.clear(),
  };
}

/** A raw ioredis client on the benchmark's Redis (`autoPipelining` turns ioredis auto-pipelining on; the scenario's shared connection otherwise, if it has one). */
export function rawRedis(env, { autoPipelining = false } = {}) {
  const { client, release } = redisConnection(env, autoPipelining ? { enableAutoPipelining: true } : {});
  const prefix = env.prefix + 'raw:';
  return {
    client,
    key: (id) => prefix + 'user:' + id,
    tagKeys: (tags) => tags.map((tag) => prefix + 'tag:' + tag),
    /** Stores users `ids` and (for the tag limits) a version under every tag key. */
    fill: async (ids, tags = []) => {
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.set(prefix + 'user:' + id, JSON.stringify(makeUser(id)), 'EX', TTL_SECONDS);
      for (const tag of tags) pipeline.set(prefix + 'tag:' + tag, 'v1');
      await pipeline.exec();
    },
    close: async () => release(),
  };
}

/** A raw `memcached` client (the one easy-cache uses), promisified the obvious way. */
export function rawMemcached(env) {
  const client = new env.clients.Memcached(`127.0.0.1:${env.memcachedPort}`);
  const prefix = env.prefix + 'raw:';
  return {
    key: (id) => prefix + 'user:' + id,
    get: (key) => new Promise((resolve, reject) => client.get(key, (error, value) => (error ? reject(error) : resolve(value)))),
    fill: (ids) =>
      Promise.all(
        ids.map(
          (id) =>
            new Promise((resolve, reject) =>
              client.set(prefix + 'user:' + id, JSON.stringify(makeUser(id)), TTL_SECONDS, (error) => (error ? reject(error) : resolve())),
            ),
        ),
      ),
    close: async () => client.end(),
  };
}
