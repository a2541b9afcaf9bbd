/** Memcached miss with `lock: true` against the same miss without it. */
import { lockContenders } from '../lib/lock-kit.js';

export default {
  id: 'memcached-miss-lock',
  title: 'Memcached miss with lock, sequential',
  measures:
    'A call for a user never asked before, awaited one at a time, with `lock: true` (add of the lock, a second read, the function, set, gets + cas to release) against the same call without a lock (get, the function, set).',
  backend: 'memcached',
  inFlight: 1,
  expectHits: false,
  contenders: (env) => lockContenders(env, 'memcached'),
};
