/** Memory hit: a stored user read again, one call at a time, against `Map.get` in an async function. */
import { libraryContenders, mapLimit } from '../lib/kit.js';

export default {
  id: 'memory-hit',
  title: 'Memory hit, sequential',
  measures: 'A call whose result is in process memory (64 users cycled), awaited one at a time.',
  backend: 'memory',
  inFlight: 1,
  expectHits: true,
  async contenders(env) {
    const limit = mapLimit();
    const libraries = await libraryContenders(env, 'memory', 'hit', {
      variants: [['easy-cache, new MemoryCache({ copy: false })', { copy: false }]],
    });
    return [limit, ...libraries];
  },
};
