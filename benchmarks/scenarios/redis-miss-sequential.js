/** Redis miss, sequential. */
import { redisContenders } from '../lib/redis-kit.js';

export default {
  id: 'redis-miss-sequential',
  title: 'Redis miss, sequential',
  measures: 'A call for a user never asked before: GET (nil), run the function, SET with expiry, awaited one at a time.',
  backend: 'redis',
  inFlight: 1,
  expectHits: false,
  contenders: (env) => redisContenders(env, 'miss', 1),
};
