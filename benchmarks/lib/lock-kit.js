/**
 * Contenders of the "miss with lock" scenarios: what the `lock` option (one computation of a key
 * across processes) adds to a miss, side by side with the same miss without it and the raw
 * client's GET + SET. A locked miss is GET (nil), SET NX of the lock, a second read of the entry,
 * the function, SET of the entry, and the compare-and-delete of the lock (Redis: EVAL; memcached:
 * gets + cas): two more round trips after the GET, one after the SET.
 */
import { contender, easyLabel } from './kit.js';
import { easyCache, makeLoader, TTL_SECONDS } from './libraries.js';
import { rawRedis } from './raw-clients.js';

/** The raw Redis miss: GET (nil), the function, SET EX. */
function rawRedisMiss(env) {
  const raw = rawRedis(env);
  const loader = makeLoader();
  let next = env.idBase;
  return {
    label: 'raw ioredis GET (nil) + SET EX',
    role: 'limit',
    run: async () => {
      const id = next++;
      const key = raw.key(id);
      const text = await raw.client.get(key);
      if (text !== null) return JSON.parse(text);
      const value = await loader.load(id);
      await raw.client.set(key, JSON.stringify(value), 'EX', TTL_SECONDS);
      return value;
    },
    prepare: async () => undefined,
    close: raw.close,
  };
}

/** easy-cache on `backend` with and without `lock: true`, a user never asked before on each call. */
export function lockContenders(env, backend) {
  const list = backend === 'redis' ? [rawRedisMiss(env)] : [];
  const plain = makeLoader();
  list.push(contender(`${easyLabel(backend)}, no lock`, 'easy-cache', easyCache(env, backend, plain), plain, 'miss', env));
  const locked = makeLoader();
  list.push(contender(`${easyLabel(backend)}, lock: true`, 'easy-cache', easyCache(env, backend, locked, { lock: true }), locked, 'miss', env));
  return list;
}
