/** Key building: a template with eight placeholders. */
import { eightTemplate } from '../lib/keys-kit.js';

export default {
  id: 'key-template-8',
  title: 'Key building, template with 8 placeholders',
  measures: 'getCacheKey(...) of a template with 8 placeholders (numbers, strings, a boolean); compare with 1 placeholder for linearity.',
  backend: 'none',
  inFlight: 1,
  contenders: async (env) => eightTemplate(env),
};
