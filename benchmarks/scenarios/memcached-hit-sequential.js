/** Memcached hit, sequential. */
import { memcachedHitContenders } from '../lib/memcached-kit.js';

export default {
  id: 'memcached-hit-sequential',
  title: 'Memcached hit, sequential',
  measures: 'A call whose result is in memcached (64 users cycled), awaited one at a time.',
  backend: 'memcached',
  inFlight: 1,
  expectHits: true,
  contenders: (env) => memcachedHitContenders(env, 1),
};
