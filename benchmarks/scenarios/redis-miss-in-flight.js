/** Redis miss, 64 calls in flight. */
import { redisContenders } from '../lib/redis-kit.js';

export default {
  id: 'redis-miss-in-flight',
  title: 'Redis miss, 64 calls in flight',
  measures: 'A call for a user never asked before: GET (nil), run the function, SET with expiry, 64 calls started together and awaited together, batch after batch.',
  backend: 'redis',
  inFlight: 64,
  expectHits: false,
  contenders: (env) => redisContenders(env, 'miss', 64),
};
