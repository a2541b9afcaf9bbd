/** Redis stale hit: an entry past its timeout, served stale without waiting for the function, against a fresh hit and a raw GET. */
import { staleContenders } from '../lib/stale-kit.js';

export default {
  id: 'redis-stale-hit',
  title: 'Redis stale hit, sequential',
  measures:
    "A call whose result is in Redis but stale (soft-expired, within its grace; 64 users cycled), served the stale value at once, awaited one at a time: each library in its stale-serving steady state, either with the key's refresh already in flight (the function is held pending until the end of the scenario) or backing off after a failed refresh. The function never completes during timing, so it is not what is measured. The raw GET, the decode floor and easy-cache's rows share one connection (lib/shared-redis.js); the peers have their own.",
  backend: 'redis',
  inFlight: 1,
  // Its targets are a few per cent apart: medians of samples taken seconds apart moved the decode
  // floor (a fixed cost) between 0.99× and 1.18× of a raw GET from one run to the next.
  sampling: 'paired',
  // And one process's figures moved from 1.01× to 1.06× of a raw GET between processes: three, pooled (lib/forks.js).
  forks: 3,
  expectHits: true,
  contenders: (env) => staleContenders(env, 'redis'),
};
