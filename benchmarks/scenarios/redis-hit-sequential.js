/** Redis hit, sequential. */
import { redisContenders } from '../lib/redis-kit.js';

export default {
  id: 'redis-hit-sequential',
  title: 'Redis hit, sequential',
  measures: 'A call whose result is in Redis (64 users cycled), awaited one at a time.',
  backend: 'redis',
  inFlight: 1,
  expectHits: true,
  contenders: (env) => redisContenders(env, 'hit', 1),
};
