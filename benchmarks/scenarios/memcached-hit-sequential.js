/** Memcached hit, sequential. */
import { HIT_IDS, libraryContenders } from '../lib/kit.js';
import { rawMemcached } from '../lib/raw-clients.js';

export default {
  id: 'memcached-hit-sequential',
  title: 'Memcached hit, sequential',
  measures: 'A call whose result is in memcached (64 users cycled), awaited one at a time.',
  backend: 'memcached',
  inFlight: 1,
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
