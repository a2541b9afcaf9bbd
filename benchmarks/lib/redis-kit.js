/** Contenders shared by the Redis hit and miss scenarios. */
import { HIT_IDS, libraryContenders, limitAgain, NO_DECODE_MEMO } from './kit.js';
import { makeLoader, TTL_SECONDS } from './libraries.js';
import { rawRedis } from './raw-clients.js';
import { shareRedis } from './shared-redis.js';

/** The raw ioredis miss on `raw` (from `rawRedis`): GET (nil), the function, SET EX; a user never asked before on each call. */
export function rawRedisMiss(env, raw, autoPipelining = false) {
  const loader = makeLoader();
  let next = env.idBase;
  return {
    label: autoPipelining ? 'raw ioredis GET (nil) + SET EX, auto-pipelining' : 'raw ioredis GET (nil) + SET EX',
    role: 'limit',
    run: async () => {
      const id = next++;
      const key = raw.key(id);
      const text = await raw.client.get(key);
      if (text !== null) return JSON.parse(text);
      const value = await loader.load(id);
      await raw.client.set(key, JSON.stringify(value), 'EX', TTL_SECONDS);
      return value;
    },
    prepare: async () => undefined,
    close: raw.close,
  };
}

/**
 * The raw ioredis limit and the libraries for a Redis hit or miss scenario. With 64 calls in
 * flight the limit uses ioredis auto-pipelining (as the issue defines it); the same client
 * without it is shown as a reference, and easy-cache is shown both with the client a user gets
 * from `new Redis()` and with one that has auto-pipelining on.
 */
export async function redisContenders(scenarioEnv, mode, inFlight) {
  const autoPipelining = inFlight > 1;
  // One at a time, the raw GET and easy-cache's hits on one connection: the target is ≤ 1.05× (see shared-redis.js).
  const env = mode === 'hit' && !autoPipelining ? shareRedis(scenarioEnv) : scenarioEnv;
  const raw = rawRedis(env, { autoPipelining });
  const list = [];
  if (mode === 'hit') {
    list.push({
      label: autoPipelining ? 'raw ioredis GET, auto-pipelining' : 'raw ioredis GET',
      role: 'limit',
      run: (i) => raw.client.get(raw.key(HIT_IDS[i & 63])),
      prepare: () => raw.fill(HIT_IDS),
      close: raw.close,
    });
    if (!autoPipelining) list.push(limitAgain(list[0]));
  } else {
    list.push(rawRedisMiss(env, raw, autoPipelining));
  }
  if (autoPipelining && mode === 'hit') {
    const plain = rawRedis(env);
    list.push({
      label: 'raw ioredis GET, no auto-pipelining',
      role: 'reference',
      run: (i) => plain.client.get(plain.key(HIT_IDS[i & 63])),
      prepare: () => plain.fill(HIT_IDS),
      close: plain.close,
    });
  }
  const variants = autoPipelining ? [['easy-cache, new RedisCache(new Redis({ enableAutoPipelining: true }))', { autoPipelining: true }]] : [];
  if (mode === 'hit' && !autoPipelining) variants.push(NO_DECODE_MEMO);
  list.push(...(await libraryContenders(env, 'redis', mode, { variants })));
  return list;
}
