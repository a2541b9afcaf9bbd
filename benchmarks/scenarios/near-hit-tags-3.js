/**
 * Near cache hit of an entry with 3 tags, sequential: `RedisCache({ nearCache })` answers from
 * process memory (no command sent), against `Map.get`, a Redis hit without near cache, and
 * bentocache's L1 + L2 + bus hit.
 */
import { HIT_IDS, contender, mapLimit } from '../lib/kit.js';
import { bentocacheTiered, easyCache, makeLoader } from '../lib/libraries.js';

/** Waits until the near cache of `made` is trusted, then reads every user until the reads are near hits. */
async function warmNear(made) {
  const deadline = Date.now() + 10_000;
  while (made.instance.nearCacheState !== 'trusted') {
    if (Date.now() > deadline) throw new Error('client tracking did not come up within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // The first pass writes; its own pushes drop what it wrote; the next passes keep what they read.
  for (let pass = 0; pass < 4; pass++) await Promise.all(HIT_IDS.map((id) => made.get(id)));
}

function easy(env, label, options) {
  const loader = makeLoader();
  const made = easyCache(env, 'redis', loader, options);
  const base = contender(label, 'easy-cache', made, loader, 'hit', env);
  return options.nearCache ? { ...base, prepare: () => warmNear(made) } : base;
}

export default {
  id: 'near-hit-tags-3',
  title: 'Near cache hit with 3 tags, sequential',
  measures:
    'A call whose result (and its 3 tag versions) is held by the near cache of a RedisCache (64 users cycled), awaited one at a time; against Map.get, a Redis hit without near cache, and bentocache with L1 + L2 + bus.',
  backend: 'redis',
  inFlight: 1,
  expectHits: true,
  async contenders(env) {
    const limit = mapLimit();
    const bentoLoader = makeLoader();
    return [
      limit,
      easy(env, 'easy-cache, RedisCache({ nearCache: { copy: false } }), 3 tags', { tags: 3, nearCache: { copy: false } }),
      easy(env, 'easy-cache, RedisCache({ nearCache: {} }) (copies), 3 tags', { tags: 3, nearCache: {} }),
      easy(env, 'easy-cache, RedisCache({ nearCache: { copy: false } }), no tags', { nearCache: { copy: false } }),
      easy(env, 'easy-cache, RedisCache without near cache, 3 tags (a Redis hit)', { tags: 3 }),
      contender('bentocache, L1 memory + L2 Redis + Redis bus, 3 tags', 'peer', bentocacheTiered(env, bentoLoader, { tags: 3 }), bentoLoader, 'hit', env),
    ];
  },
};
