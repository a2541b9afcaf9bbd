/** Redis hit, 64 calls in flight. */
import { redisContenders } from '../lib/redis-kit.js';

export default {
  id: 'redis-hit-in-flight',
  title: 'Redis hit, 64 calls in flight',
  measures: 'A call whose result is in Redis (64 users cycled), 64 calls started together and awaited together, batch after batch.',
  backend: 'redis',
  inFlight: 64,
  expectHits: true,
  contenders: (env) => redisContenders(env, 'hit', 64),
};
