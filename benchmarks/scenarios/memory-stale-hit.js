/** Memory stale hit: an entry past its timeout, served stale without waiting for the function, against a fresh hit and `Map.get`. */
import { staleContenders } from '../lib/stale-kit.js';

export default {
  id: 'memory-stale-hit',
  title: 'Memory stale hit, sequential',
  measures:
    "A call whose result is in process memory but stale (past its timeout, within its grace; 64 users cycled), served the stale value at once, awaited one at a time: each library in its stale-serving steady state, either with the key's refresh already in flight (the function is held pending until the end of the scenario) or backing off after a failed refresh. The function never completes during timing, so it is not what is measured.",
  backend: 'memory',
  inFlight: 1,
  // Its targets are a few per cent apart: medians of samples taken seconds apart moved the decode
  // floor (a fixed cost) between 0.99× and 1.18× of a raw GET from one run to the next.
  sampling: 'paired',
  expectHits: true,
  contenders: (env) => staleContenders(env, 'memory'),
};
