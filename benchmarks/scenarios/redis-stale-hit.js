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
  // A round's ratio of two identical raw GETs varies by a third either way, so a median needs many
  // rounds: with 101 of 20 ms the two read up to 4 % apart, with 300 of 5 ms (less time) within 1 %.
  // One process's figures still move by a few per cent between processes: four, pooled (lib/forks.js).
  forks: 4,
  rounds: 300,
  sampleMs: 5,
  expectHits: true,
  contenders: (env) => staleContenders(env, 'redis'),
};
