/** Memcached hit, 64 calls in flight. */
import { HIT_IDS, libraryContenders } from '../lib/kit.js';
import { rawMemcached } from '../lib/raw-clients.js';

export default {
  id: 'memcached-hit-in-flight',
  title: 'Memcached hit, 64 calls in flight',
  measures: 'A call whose result is in memcached (64 users cycled), 64 calls started together and awaited together, batch after batch.',
  backend: 'memcached',
  inFlight: 64,
  expectHits: true,
  async contenders(env) {
    const raw = rawMemcached(env);
    const limit = {
      label: 'raw memcached client get',
      role: 'limit',
      run: (i) => raw.get(raw.key(HIT_IDS[i & 63])),
      prepare: () => raw.fill(HIT_IDS),
      close: raw.close,
    };
    return [limit, ...(await libraryContenders(env, 'memcached', 'hit'))];
  },
};
