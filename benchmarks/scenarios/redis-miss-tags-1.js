/** Redis miss of a call with 1 tag, sequential: what a tagged miss costs (its tag is new too). */
import { libraryContenders } from '../lib/kit.js';
import { makeLoader, TTL_SECONDS } from '../lib/libraries.js';
import { rawRedis } from '../lib/raw-clients.js';

export default {
  id: 'redis-miss-tags-1',
  title: 'Redis miss with 1 tag, sequential',
  measures: 'A call for a user never asked before, tagged with a tag of its own: read the entry and the tag (both missing), create the tag, run the function, store the entry (and, where the library does, make the tag outlive it); awaited one at a time.',
  backend: 'redis',
  inFlight: 1,
  expectHits: false,
  async contenders(env) {
    const raw = rawRedis(env);
    const loader = makeLoader();
    let next = env.idBase;
    const limit = {
      label: 'raw ioredis GET + MGET (nil), SET NX EX of the tag, SET EX of the entry',
      role: 'limit',
      run: async () => {
        const id = next++;
        const [tagKey] = raw.tagKeys([`user:${id}`]);
        const [[, text]] = await raw.client.pipeline().get(raw.key(id)).mget([tagKey]).exec();
        if (text !== null) return JSON.parse(text);
        const version = String(Math.random());
        await raw.client.set(tagKey, version, 'EX', TTL_SECONDS, 'NX');
        const value = await loader.load(id);
        await raw.client.set(raw.key(id), JSON.stringify({ value, tags: { [tagKey]: version } }), 'EX', TTL_SECONDS);
        return value;
      },
      prepare: async () => undefined,
      close: raw.close,
    };
    return [limit, ...(await libraryContenders(env, 'redis', 'miss', { options: { tags: 1 } }))];
  },
};
