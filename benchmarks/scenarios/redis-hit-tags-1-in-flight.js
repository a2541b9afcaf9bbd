/** Redis hit of an entry with 1 tag, 64 calls in flight. */
import { tagContenders } from '../lib/tags-kit.js';

export default {
  id: 'redis-hit-tags-1-in-flight',
  title: 'Redis hit with 1 tag, 64 calls in flight',
  measures: 'A call whose result is in Redis with 1 tag (64 users cycled), 64 calls started together and awaited together, batch after batch; the entry is valid only if its tag was not invalidated.',
  backend: 'redis',
  inFlight: 64,
  expectHits: true,
  contenders: (env) => tagContenders(env, 1, 64),
};
