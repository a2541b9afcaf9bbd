/**
 * Contenders of the "miss with lock" scenarios: what the `lock` option (one computation of a key
 * across processes) adds to a miss, side by side with the same miss without it and the raw
 * client's GET + SET. A locked miss is GET (nil), SET NX of the lock, a second read of the entry,
 * the function, SET of the entry, and the compare-and-delete of the lock (Redis: EVAL; memcached:
 * gets + cas): two more round trips after the GET, one after the SET.
 */
import { contender, easyLabel } from './kit.js';
import { easyCache, makeLoader } from './libraries.js';
import { rawRedis } from './raw-clients.js';
import { rawRedisMiss } from './redis-kit.js';

/** easy-cache on `backend` with and without `lock: true`, a user never asked before on each call. */
export function lockContenders(env, backend) {
  const list = backend === 'redis' ? [rawRedisMiss(env, rawRedis(env))] : [];
  const plain = makeLoader();
  list.push(contender(`${easyLabel(backend)}, no lock`, 'easy-cache', easyCache(env, backend, plain), plain, 'miss', env));
  const locked = makeLoader();
  list.push(contender(`${easyLabel(backend)}, lock: true`, 'easy-cache', easyCache(env, backend, locked, { lock: true }), locked, 'miss', env));
  return list;
}
