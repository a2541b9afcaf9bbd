/** Memory hit: a stored user read again, one call at a time, against `Map.get` in an async function. */
import { HIT_IDS, libraryContenders } from '../lib/kit.js';
import { makeLoader } from '../lib/libraries.js';
import { rawMap } from '../lib/raw-clients.js';

export default {
  id: 'memory-hit',
  title: 'Memory hit, sequential',
  measures: 'A call whose result is in process memory (64 users cycled), awaited one at a time.',
  backend: 'memory',
  inFlight: 1,
  expectHits: true,
  async contenders(env) {
    const map = rawMap(makeLoader());
    const limit = {
      label: 'Map.get in an async function',
      role: 'limit',
      run: (i) => map.get(HIT_IDS[i & 63]),
      prepare: async () => map.fill(HIT_IDS),
      close: map.close,
    };
    const libraries = await libraryContenders(env, 'memory', 'hit', {
      variants: [['easy-cache, new MemoryCache({ copy: false })', { copy: false }]],
    });
    return [limit, ...libraries];
  },
};
