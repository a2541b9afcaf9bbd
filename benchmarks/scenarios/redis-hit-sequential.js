/** Redis hit, sequential. */
import { redisContenders } from '../lib/redis-kit.js';

export default {
  id: 'redis-hit-sequential',
  title: 'Redis hit, sequential',
  measures:
    "A call whose result is in Redis (64 users cycled), awaited one at a time. The raw GET and easy-cache's rows share one connection (lib/shared-redis.js); the peers have their own.",
  backend: 'redis',
  inFlight: 1,
  // Its target is ≤ 1.05× a raw GET: nine samples of 250 ms read easy-cache at 1.01× and 1.11× in two
  // runs of the same code, as they did the Redis stale hit (redis-stale-hit.js); sampled as it is.
  sampling: 'paired',
  // Rounds of 5 ms in four processes, pooled, as redis-stale-hit.js says.
  forks: 4,
  rounds: 300,
  sampleMs: 5,
  expectHits: true,
  contenders: (env) => redisContenders(env, 'hit', 1),
};
