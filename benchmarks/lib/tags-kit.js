/** Contenders of the "Redis hit with tags" scenarios. */
import { HIT_IDS, baselineTwin, contender } from './kit.js';
import { asyncCacheDedupe, bentocache, cacheManager, cachifiedLib, easyCache, makeLoader, tagsOf } from './libraries.js';
import { rawRedis } from './raw-clients.js';

/**
 * A tagged entry read from Redis. The limit is what a hand-written tag check needs at least: the
 * entry and its tags' versions read with GET + MGET in one pipeline (one round trip); one plain
 * GET and GET-then-MGET (two round trips) are shown as references. easy-cache runs with its tags
 * as templates of the arguments, and with one tag function that reads the returned value (so the
 * tags are known only from the entry).
 */
export async function tagContenders(env, tagCount, inFlight = 1) {
  const raw = rawRedis(env);
  const tagKeysOf = (id) => raw.tagKeys(tagsOf(id, tagCount));
  const prepare = () => raw.fill(HIT_IDS, HIT_IDS.flatMap((id) => tagsOf(id, tagCount)));
  if (inFlight > 1) return inFlightTagContenders(env, tagCount, raw, tagKeysOf, prepare);
  const list = [
    {
      label: 'raw ioredis GET + MGET in one pipeline (one round trip)',
      role: 'limit',
      run: (i) => {
        const id = HIT_IDS[i & 63];
        return raw.client.pipeline().get(raw.key(id)).mget(tagKeysOf(id)).exec();
      },
      prepare,
      close: raw.close,
    },
    {
      label: 'raw ioredis GET, then MGET (two round trips)',
      role: 'reference',
      run: async (i) => {
        const id = HIT_IDS[i & 63];
        const text = await raw.client.get(raw.key(id));
        return [text, await raw.client.mget(tagKeysOf(id))];
      },
      prepare,
    },
    { label: 'raw ioredis GET (one command, no tags)', role: 'reference', isOneGet: true, run: (i) => raw.client.get(raw.key(HIT_IDS[i & 63])), prepare },
  ];
  const add = async (label, role, factory, options, twinOf = undefined) => {
    const loader = makeLoader();
    const made = await factory(env, 'redis', loader, options);
    list.push({ ...contender(label, role, made, loader, 'hit', env), ...(twinOf ? { twinOf } : {}) });
  };
  const fromArguments = `easy-cache, tags from the arguments (${['user:{id}', 'users', 'team:{id}'].slice(0, tagCount).join(', ')})`;
  await add(fromArguments, 'easy-cache', easyCache, { tags: tagCount });
  if (env.baselineLib) {
    const twin = baselineTwin(env, fromArguments);
    await add(twin.label, twin.role, twin.factory, { tags: tagCount }, twin.twinOf);
  }
  await add('easy-cache, tags from the returned value (meta tag function)', 'easy-cache', easyCache, { tags: tagCount, tagsAfter: true, variant: 'tags-after' });
  await add('bentocache', 'peer', bentocache, { tags: tagCount });
  await add('async-cache-dedupe (references: invalidation deletes entries, a hit reads no tag)', 'peer', asyncCacheDedupe, { tags: tagCount });
  await add('cache-manager', 'peer', cacheManager, { tags: tagCount });
  await add('@epic-web/cachified', 'peer', cachifiedLib, { tags: tagCount });
  return list;
}

/**
 * The tagged hit with 64 calls in flight: the limit is each call's GET + MGET sent on an
 * auto-pipelined client (the 64 calls of a batch leave in one write); easy-cache is shown with
 * the client a user gets from `new Redis()` and with one that has auto-pipelining on.
 */
async function inFlightTagContenders(env, tagCount, raw, tagKeysOf, prepare) {
  const piped = rawRedis(env, { autoPipelining: true });
  const list = [
    {
      label: 'raw ioredis GET + MGET, auto-pipelining',
      role: 'limit',
      run: (i) => {
        const id = HIT_IDS[i & 63];
        return Promise.all([piped.client.get(piped.key(id)), piped.client.mget(piped.tagKeys(tagsOf(id, tagCount)))]);
      },
      prepare: () => piped.fill(HIT_IDS, HIT_IDS.flatMap((id) => tagsOf(id, tagCount))),
      close: async () => {
        await piped.close();
        await raw.close();
      },
    },
    {
      label: 'raw ioredis GET + MGET in one pipeline per call',
      role: 'reference',
      run: (i) => {
        const id = HIT_IDS[i & 63];
        return raw.client.pipeline().get(raw.key(id)).mget(tagKeysOf(id)).exec();
      },
      prepare,
    },
  ];
  const add = async (label, role, factory, options, twinOf = undefined) => {
    const loader = makeLoader();
    const made = await factory(env, 'redis', loader, options);
    list.push({ ...contender(label, role, made, loader, 'hit', env), ...(twinOf ? { twinOf } : {}) });
  };
  const fromArguments = `easy-cache, tags from the arguments (${['user:{id}', 'users', 'team:{id}'].slice(0, tagCount).join(', ')})`;
  await add(fromArguments, 'easy-cache', easyCache, { tags: tagCount });
  if (env.baselineLib) {
    const twin = baselineTwin(env, fromArguments);
    await add(twin.label, twin.role, twin.factory, { tags: tagCount }, twin.twinOf);
  }
  await add(`${fromArguments}, new Redis({ enableAutoPipelining: true })`, 'easy-cache', easyCache, { tags: tagCount, autoPipelining: true });
  await add('bentocache', 'peer', bentocache, { tags: tagCount });
  await add('async-cache-dedupe (references: invalidation deletes entries, a hit reads no tag)', 'peer', asyncCacheDedupe, { tags: tagCount });
  await add('cache-manager', 'peer', cacheManager, { tags: tagCount });
  await add('@epic-web/cachified', 'peer', cachifiedLib, { tags: tagCount });
  return list;
}
