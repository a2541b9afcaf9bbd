/** The raw memcached limit and the libraries for a Memcached hit scenario (sequential, `inFlight` 1, with a `decodeMemo: false` row; or in flight). */
import { HIT_IDS, libraryContenders, NO_DECODE_MEMO } from './kit.js';
import { rawMemcached } from './raw-clients.js';

export async function memcachedHitContenders(env, inFlight) {
  const raw = rawMemcached(env);
  const limit = {
    label: 'raw memcached client get',
    role: 'limit',
    run: (i) => raw.get(raw.key(HIT_IDS[i & 63])),
    prepare: () => raw.fill(HIT_IDS),
    close: raw.close,
  };
  return [limit, ...(await libraryContenders(env, 'memcached', 'hit', { variants: inFlight === 1 ? [NO_DECODE_MEMO] : [] }))];
}
