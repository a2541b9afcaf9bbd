/** Redis hit of an entry with 3 tags, sequential. */
import { tagContenders } from '../lib/tags-kit.js';

export default {
  id: 'redis-hit-tags-3',
  title: 'Redis hit with 3 tags, sequential',
  measures: 'A call whose result is in Redis with 3 tags (64 users cycled), awaited one at a time; the entry is valid only if its tags were not invalidated.',
  backend: 'redis',
  inFlight: 1,
  expectHits: true,
  reference: 'one raw GET',
  contenders: (env) => tagContenders(env, 3),
};
