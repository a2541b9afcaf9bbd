/** Key building: a template with one placeholder. */
import { oneTemplate } from '../lib/keys-kit.js';

export default {
  id: 'key-template-1',
  title: 'Key building, template with 1 placeholder',
  measures: "getCacheKey(id) of cacheKey 'user:{id}': the key rendering that every call does.",
  backend: 'none',
  inFlight: 1,
  contenders: async (env) => oneTemplate(env),
};
