/** Redis miss with `lock: true` against the same miss without it. */
import { lockContenders } from '../lib/lock-kit.js';

export default {
  id: 'redis-miss-lock',
  title: 'Redis miss with lock, sequential',
  measures:
    'A call for a user never asked before, awaited one at a time, with `lock: true` (SET NX of the lock, a second read, the function, SET, compare-and-delete by EVAL) against the same call without a lock (GET, the function, SET) and the raw GET + SET.',
  backend: 'redis',
  inFlight: 1,
  expectHits: false,
  contenders: (env) => lockContenders(env, 'redis'),
};
