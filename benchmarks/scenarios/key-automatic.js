/** Key building: the automatic key of a named function. */
import { automaticKey } from '../lib/keys-kit.js';

export default {
  id: 'key-automatic',
  title: 'Key building, automatic key',
  measures: 'getCacheKey(id, locale) of a function cached without cacheKey: name plus type-tagged arguments.',
  backend: 'none',
  inFlight: 1,
  contenders: async (env) => automaticKey(env),
};
