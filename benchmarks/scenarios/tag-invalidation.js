/** Tag invalidation on Redis: invalidate a user's tag, then the next call recomputes and stores. */
import { HIT_IDS, baselineTwin, contender } from '../lib/kit.js';
import { asyncCacheDedupe, bentocache, cacheManager, cachifiedLib, easyCache, makeLoader, TTL_SECONDS } from '../lib/libraries.js';
import { rawRedis } from '../lib/raw-clients.js';

export default {
  id: 'tag-invalidation',
  title: 'Tag invalidation on Redis, then the next call',
  measures: 'Invalidate the tag user:<id> of a cached user, then call again: the call must miss, run the function and store (64 users cycled).',
  backend: 'redis',
  inFlight: 1,
  async contenders(env) {
    const raw = rawRedis(env);
    const loader = makeLoader();
    const list = [
      {
        label: 'raw ioredis DEL of the key, then GET (nil) + SET EX',
        role: 'limit',
        run: async (i) => {
          const id = HIT_IDS[i & 63];
          const key = raw.key(id);
          await raw.client.del(key);
          if ((await raw.client.get(key)) !== null) throw new Error('raw: the key survived its deletion');
          const value = await loader.load(id);
          await raw.client.set(key, JSON.stringify(value), 'EX', TTL_SECONDS);
          return value;
        },
        prepare: () => raw.fill(HIT_IDS),
        close: raw.close,
      },
    ];
    const add = async (label, role, factory, twinOf = undefined) => {
      const libraryLoader = makeLoader();
      const made = await factory(env, 'redis', libraryLoader, { tags: 1 });
      const entry = { ...contender(label, role, made, libraryLoader, 'hit', env), ...(twinOf ? { twinOf } : {}) };
      if (!entry.na) {
        entry.run = async (i) => {
          const id = HIT_IDS[i & 63];
          const before = libraryLoader.calls;
          await made.invalidateTag('user:' + id);
          const value = await made.get(id);
          if (libraryLoader.calls !== before + 1) entry.stale = (entry.stale ?? 0) + 1;
          return value;
        };
      }
      list.push(entry);
    };
    await add('easy-cache, invalidateCacheTags', 'easy-cache', easyCache);
    if (env.baselineLib) {
      const twin = baselineTwin(env, 'easy-cache, invalidateCacheTags');
      await add(twin.label, twin.role, twin.factory, twin.twinOf);
    }
    await add('bentocache, deleteByTag', 'peer', bentocache);
    await add('async-cache-dedupe, invalidateAll(references)', 'peer', asyncCacheDedupe);
    await add('cache-manager', 'peer', cacheManager);
    await add('@epic-web/cachified', 'peer', cachifiedLib);
    return list;
  },
};
