/**
 * Contenders of the "stale hit" scenarios: a call that finds its entry stale and is served the
 * stale value without waiting for the function, in each library's stale-serving steady state.
 *
 * Every library caches the same `getUser(id)` as in `libraries.js`, but through a loader that can
 * be held (its calls pend until the contender is closed) or made to fail. A contender's `prepare`
 * stores the 64 users fresh, makes them stale through the library's own means, holds (or breaks)
 * the loader, and calls once per user so that each key's refresh is started (and, for the backoff
 * state, has failed) before timing begins. During timing the function therefore never completes:
 * what is measured is the stale hit, not the function, and any function call during timing is
 * counted by the runner (`function ran N times during the hits`).
 */
import { cachified } from '@epic-web/cachified';
import { HIT_IDS, contender, easyLabel, limitAgain } from './kit.js';
import { baselineEnv, baselineLabel } from './baseline.js';
import { bentoCache, cachifiedCache, easyCache, makeLoader, makeUser, namespace, TTL_SECONDS } from './libraries.js';
import { rawMap, rawRedis } from './raw-clients.js';
import { redisConnection, shareRedis } from './shared-redis.js';

/** Seconds an entry stays as a stale fallback after its timeout, in every library. */
export const GRACE_SECONDS = 24 * 3600;

/** Seconds a failed refresh holds its key in backoff (stale served, function not called): longer than any run. */
export const BACKOFF_SECONDS = 3600;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The function being cached, counting its calls like `makeLoader`, in one of three states:
 * `ready` (returns the user), `held` (its calls pend until `release()`), `failing` (rejects).
 */
export function makeHeldLoader() {
  let open;
  const gate = new Promise((resolve) => {
    open = resolve;
  });
  const loader = {
    calls: 0,
    /** Calls waiting at the gate. */
    held: 0,
    state: 'ready',
    load: async (id) => {
      loader.calls++;
      if (loader.state === 'held') {
        loader.held++;
        await gate;
        loader.held--;
      } else if (loader.state === 'failing') throw new Error('the source is down (benchmark)');
      return makeUser(id);
    },
    /** Lets every held call finish, and later calls run normally. */
    release: () => {
      loader.state = 'ready';
      open();
    },
  };
  return loader;
}

/**
 * easy-cache with stale serving: `cached(load, { cacheKey: 'user:{id}', timeout, grace,
 * softTimeoutMs: 0, graceBackoff })`. Entries are made stale by `expireCacheByKey(id)` (soft
 * invalidation, which rewrites the entry as stale) on both backends, so that the memory backend
 * reads the real clock as users' do (an injected clock is read on every hit and costs a closure).
 */
export function easyCacheStale(env, backend, loader, { copy = true } = {}) {
  const { core, redis: redisEntry } = env.lib;
  let connection;
  let instance;
  let prefix;
  if (backend === 'memory') {
    instance = new core.MemoryCache(copy ? undefined : { copy: false });
  } else {
    connection = redisConnection(env);
    prefix = namespace(env, 'ec');
    instance = new redisEntry.RedisCache(connection.client, { prefix });
  }
  const get = core.cached((id) => loader.load(id), {
    cacheKey: 'user:{id}',
    timeout: TTL_SECONDS,
    grace: GRACE_SECONDS,
    softTimeoutMs: 0,
    graceBackoff: BACKOFF_SECONDS,
    cacheInstance: instance,
  });
  return {
    get,
    prefix,
    instance,
    makeStale: async (ids) => {
      await Promise.all(ids.map((id) => get.expireCacheByKey(id)));
    },
    close: async () => {
      await instance.close?.();
      connection?.release();
    },
  };
}

/**
 * bentocache with `grace` (its docs' grace periods) on an L1 memory store or an L2 Redis store;
 * `timeout: 0` (its default) serves a stale entry at once and runs the factory in the background
 * (`swr`), `timeout: null` runs the factory in the foreground so that a failure applies
 * `graceBackoff`. Entries are made stale by `bento.expire({ key })`, which keeps them for grace.
 */
export function bentocacheStale(env, backend, loader, { swr }) {
  const bento = bentoCache(env, backend, undefined);
  return {
    get: (id) =>
      bento.getOrSet({
        key: 'user:' + id,
        factory: () => loader.load(id),
        ttl: TTL_SECONDS * 1000,
        grace: GRACE_SECONDS * 1000,
        graceBackoff: BACKOFF_SECONDS * 1000,
        timeout: swr ? 0 : null,
      }),
    makeStale: (ids) => Promise.all(ids.map((id) => bento.expire({ key: 'user:' + id }))),
    close: () => bento.disconnectAll(),
  };
}

/**
 * @epic-web/cachified with `staleWhileRevalidate` (its README's lru-cache adapter, or
 * `cachified-redis-adapter`). It has no expire call: entries are made stale by writing them back
 * with a `createdTime` moved one timeout into the past (its own entry format, through its adapter).
 */
export async function cachifiedStale(env, backend, loader) {
  const { cache, client } = await cachifiedCache(env, backend, 10_000);
  const keyPrefix = namespace(env, 'cf') + ':user-';
  return {
    get: (id) =>
      cachified({ key: keyPrefix + id, cache, getFreshValue: () => loader.load(id), ttl: TTL_SECONDS * 1000, staleWhileRevalidate: GRACE_SECONDS * 1000 }),
    makeStale: (ids) =>
      Promise.all(
        ids.map(async (id) => {
          const entry = await cache.get(keyPrefix + id);
          const createdTime = entry.metadata.createdTime - (TTL_SECONDS + 1) * 1000;
          await cache.set(keyPrefix + id, { ...entry, metadata: { ...entry.metadata, createdTime } });
        }),
      ),
    close: async () => {
      if (client) await client.quit();
    },
  };
}

/**
 * A contender around a stale-capable library object `{ get, makeStale, close }` in `state`:
 * `in-flight` (stale, every key's refresh started and held pending), `backoff` (stale, every key's
 * refresh failed and the key backs off) or `fresh` (same configuration, entries still fresh).
 */
export function staleContender(label, role, made, loader, state, env) {
  if (made.na) return { label, role, state, na: made.na };
  const base = contender(label, role, made, loader, 'hit', env);
  return {
    ...base,
    state,
    prepare: async () => {
      await Promise.all(HIT_IDS.map((id) => made.get(id)));
      if (state === 'fresh') return;
      await made.makeStale(HIT_IDS);
      loader.state = state === 'in-flight' ? 'held' : 'failing';
      // One call per user: each finds its entry stale, is served it, and starts the refresh
      // (held pending, or failing into backoff); then the libraries settle before timing.
      const values = await Promise.all(HIT_IDS.map((id) => made.get(id)));
      const wrong = values.findIndex((value, i) => value?.id !== HIT_IDS[i]);
      if (wrong !== -1) throw new Error(`a stale call for user ${HIT_IDS[wrong]} returned ${JSON.stringify(values[wrong])}`);
      await sleep(20);
    },
    close: async () => {
      // The held refreshes complete (and store) before the library is closed: a write after it
      // (bentocache's L2 store) would reject unhandled and end the run.
      loader.release();
      while (loader.held > 0) await sleep(5);
      await sleep(100);
      await made.close();
    },
  };
}

/**
 * The floor of any stale hit that returns an object: a raw `GET` of the very bytes easy-cache
 * stores for a stale entry (copied from its own entries) and one `JSON.parse` of them, with no
 * check of marks or times. Role 'decode floor': no target judges it; the stale rows are compared
 * with it (see benchmarks/README.md, "Stale hits").
 */
export function rawEntryDecode(env, raw) {
  const keyOf = (id) => raw.key(id) + ':entry';
  return {
    label: 'raw ioredis GET + JSON.parse of the bytes of a stale easy-cache entry',
    role: 'decode floor',
    run: async (i) => JSON.parse((await raw.client.get(keyOf(HIT_IDS[i & 63]))).slice(5)),
    prepare: async () => {
      const made = easyCacheStale(env, 'redis', makeHeldLoader());
      await Promise.all(HIT_IDS.map((id) => made.get(id)));
      await made.makeStale(HIT_IDS);
      const stored = await raw.client.keys(made.prefix + '*');
      for (const id of HIT_IDS) {
        const key = stored.find((name) => name.endsWith(':user:' + id));
        await raw.client.set(keyOf(id), await raw.client.get(key), 'EX', TTL_SECONDS);
      }
      await made.close();
    },
  };
}

/**
 * The contenders of a stale-hit scenario on `backend` ('memory' or 'redis'): the limit (Map.get /
 * raw GET), easy-cache's default fresh hit, easy-cache with stale serving (fresh, stale with a
 * refresh in flight, stale in backoff), bentocache with grace (swr with a refresh in flight; stale
 * in backoff after a failed foreground refresh) and cachified with staleWhileRevalidate (refresh in
 * flight; it has no backoff).
 */
export async function staleContenders(scenarioEnv, backend) {
  // The raw GET, the decode floor and easy-cache's rows on one connection: their ratios are a few per cent apart.
  const env = backend === 'redis' ? shareRedis(scenarioEnv) : scenarioEnv;
  const list = [];
  if (backend === 'memory') {
    const map = rawMap(makeLoader());
    list.push({ label: 'Map.get in an async function', role: 'limit', run: (i) => map.get(HIT_IDS[i & 63]), prepare: async () => map.fill(HIT_IDS), close: map.close });
  } else {
    const raw = rawRedis(env);
    list.push({ label: 'raw ioredis GET', role: 'limit', run: (i) => raw.client.get(raw.key(HIT_IDS[i & 63])), prepare: () => raw.fill(HIT_IDS), close: raw.close });
    list.push(limitAgain(list[0]));
    list.push(rawEntryDecode(env, raw));
  }
  const freshLoader = makeLoader();
  list.push({ ...contender(easyLabel(backend) + ', fresh hit', 'easy-cache', await easyCache(env, backend, freshLoader), freshLoader, 'hit', env), state: 'fresh-default' });

  const add = async (label, role, factory, state, options = {}) => {
    const loader = makeHeldLoader();
    let made;
    try {
      made = await factory(env, backend, loader, options);
    } catch (error) {
      made = { na: error.message };
    }
    list.push(staleContender(label, role, made, loader, state, env));
  };
  // In memory also without copies (`copy: false`), like for like with `Map.get`, which copies nothing.
  const configs = backend === 'memory' ? [{ copy: true }, { copy: false }] : [{ copy: true }];
  for (const config of configs) {
    const easyOptions = 'grace, softTimeoutMs: 0, graceBackoff' + (config.copy ? '' : ', copy: false');
    const easyRows = [
      [`easy-cache (${easyOptions}), fresh hit`, 'fresh'],
      [`easy-cache (${easyOptions}), stale hit, refresh in flight`, 'in-flight'],
      [`easy-cache (${easyOptions}), stale hit, backing off after a failed refresh`, 'backoff'],
    ];
    for (const [label, state] of easyRows) {
      await add(label, 'easy-cache', easyCacheStale, state, config);
      list.at(-1).config = easyOptions;
      if (env.baselineLib) {
        const twin = baselineLabel(env, label);
        await add(twin, 'baseline', (innerEnv, ...rest) => easyCacheStale(baselineEnv(innerEnv), ...rest), state, config);
        list.at(-1).twinOf = label;
      }
    }
  }
  // `env.withoutPeers`: easy-cache and the raw client alone in the process, no peer's heap or timers beside them.
  if (env.withoutPeers) return list;
  await add('bentocache (grace, timeout: 0), stale hit, refresh in flight', 'peer', bentocacheStale, 'in-flight', { swr: true });
  await add('bentocache (grace, graceBackoff, timeout: null), stale hit, backing off after a failed refresh', 'peer', bentocacheStale, 'backoff', { swr: false });
  await add('@epic-web/cachified (staleWhileRevalidate), stale hit, refresh in flight', 'peer', cachifiedStale, 'in-flight');
  list.push({ label: '@epic-web/cachified (staleWhileRevalidate), stale hit after a failed refresh', role: 'peer', na: 'no backoff: the next stale call starts another refresh' });
  return list;
}
