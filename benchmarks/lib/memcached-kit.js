/** The raw memcached limit and the libraries for a Memcached hit scenario (sequential or in flight). */
import { HIT_IDS, libraryContenders } from './kit.js';
import { rawMemcached } from './raw-clients.js';

export async function memcachedHitContenders(env) {
  const raw = rawMemcached(env);
  const limit = {
    label: 'raw memcached client get',
    role: 'limit',
    run: (i) => raw.get(raw.key(HIT_IDS[i & 63])),
    prepare: () => raw.fill(HIT_IDS),
    close: raw.close,
  };
  return [limit, ...(await libraryContenders(env, 'memcached', 'hit'))];
}
