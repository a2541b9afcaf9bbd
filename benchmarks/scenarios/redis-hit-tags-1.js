/** Redis hit of an entry with 1 tag, sequential. */
import { tagContenders } from '../lib/tags-kit.js';

export default {
  id: 'redis-hit-tags-1',
  title: 'Redis hit with 1 tag, sequential',
  measures: 'A call whose result is in Redis with 1 tag (64 users cycled), awaited one at a time; the entry is valid only if its tags were not invalidated.',
  backend: 'redis',
  inFlight: 1,
  expectHits: true,
  reference: 'one raw GET',
  contenders: (env) => tagContenders(env, 1),
};
