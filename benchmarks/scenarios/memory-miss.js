/** Memory miss: every call asks for a user never asked before, so the function runs and its value is stored. */
import { libraryContenders } from '../lib/kit.js';
import { makeLoader } from '../lib/libraries.js';
import { rawMap } from '../lib/raw-clients.js';

export default {
  id: 'memory-miss',
  title: 'Memory miss, sequential',
  measures: 'A call for a new user: look up, run the function, store (each library with its default size bound, so old entries are evicted).',
  backend: 'memory',
  inFlight: 1,
  async contenders(env) {
    const map = rawMap(makeLoader());
    let next = env.idBase;
    const limit = {
      label: 'Map.get + Map.set in an async function',
      role: 'limit',
      run: () => map.getOrLoad(next++),
      prepare: async () => undefined,
      close: map.close,
    };
    const libraries = await libraryContenders(env, 'memory', 'miss', {
      variants: [['easy-cache, new MemoryCache({ copy: false })', { copy: false }]],
    });
    return [limit, ...libraries];
  },
};
