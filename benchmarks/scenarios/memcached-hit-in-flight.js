/** Memcached hit, 64 calls in flight. */
import { memcachedHitContenders } from '../lib/memcached-kit.js';

export default {
  id: 'memcached-hit-in-flight',
  title: 'Memcached hit, 64 calls in flight',
  measures: 'A call whose result is in memcached (64 users cycled), 64 calls started together and awaited together, batch after batch.',
  backend: 'memcached',
  inFlight: 64,
  expectHits: true,
  contenders: (env) => memcachedHitContenders(env, 64),
};
