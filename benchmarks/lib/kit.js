/**
 * Building blocks of scenarios: the contenders for "get a user" on a backend, in hit or miss
 * mode, for every library, with the limit first.
 */
import { baselineEnv, baselineLabel } from './baseline.js';
import { asyncCacheDedupe, bentocache, cacheManager, cachifiedLib, easyCache, makeLoader } from './libraries.js';
import { rawMap } from './raw-clients.js';

/** Hit scenarios cycle over this many users, all stored before timing starts. */
export const HIT_IDS = Array.from({ length: 64 }, (_, i) => i + 1);

/** The limit of a memory hit: `Map.get` in an async function, over the 64 users of `HIT_IDS`. */
export function mapLimit() {
  const map = rawMap(makeLoader());
  return {
    label: 'Map.get in an async function',
    role: 'limit',
    run: (i) => map.get(HIT_IDS[i & 63]),
    prepare: async () => map.fill(HIT_IDS),
    close: map.close,
  };
}

/**
 * A contender around a library object `{ get, close }` (or `{ na }`): in `hit` mode `run(i)` reads
 * one of the 64 stored users; in `miss` mode each call asks for a user never asked before.
 */
export function contender(label, role, made, loader, mode, env) {
  if (made.na) return { label, role, na: made.na };
  let next = env.idBase;
  return {
    label,
    role,
    loader,
    library: made,
    run: mode === 'hit' ? (i) => made.get(HIT_IDS[i & 63]) : () => made.get(next++),
    prepare: mode === 'hit' ? () => Promise.all(HIT_IDS.map((id) => made.get(id))) : async () => undefined,
    close: () => made.close(),
  };
}

/**
 * The limit `limit` timed a second time, as a row of its own (an A/A check): the same calls on the
 * same connection, so its ratio to the limit is the measure's own error, shown beside the ratios
 * that a target a few per cent wide judges. Prepared and closed with the limit.
 */
export function limitAgain(limit) {
  return { label: `${limit.label}, timed again (A/A: the measure's own error)`, role: 'reference', run: limit.run };
}

/**
 * The `--baseline` twin of the easy-cache contender `label`: `{ label, role, twinOf, factory }`,
 * where `factory` is `easyCache` on the baseline library, to add right after the current contender
 * with the same options. Role 'baseline', so the targets (role 'easy-cache') judge the current
 * library only; `twinOf` lets the report pair the two.
 */
export function baselineTwin(env, label) {
  return {
    label: baselineLabel(env, label),
    role: 'baseline',
    twinOf: label,
    factory: (innerEnv, ...rest) => easyCache(baselineEnv(innerEnv), ...rest),
  };
}

/**
 * easy-cache and the four peers on `backend`; `variants` adds easy-cache configurations
 * (`[label, options, role?]`, role `easy-cache` unless given) besides the default one, and
 * `options` applies to every library (tags).
 * With `--baseline`, the default configuration is followed by its baseline twin.
 */
export async function libraryContenders(env, backend, mode, { options = {}, variants = [] } = {}) {
  const list = [];
  const add = async (label, role, factory, extra = {}, twinOf = undefined) => {
    const loader = makeLoader();
    const made = await factory(env, backend, loader, { ...options, ...extra });
    list.push({ ...contender(label, role, made, loader, mode, env), ...(twinOf ? { twinOf } : {}) });
  };
  await add(easyLabel(backend), 'easy-cache', easyCache);
  if (env.baselineLib) {
    const twin = baselineTwin(env, easyLabel(backend));
    await add(twin.label, twin.role, twin.factory, {}, twin.twinOf);
  }
  for (const [label, extra, role = 'easy-cache'] of variants) await add(label, role, easyCache, extra);
  await add('bentocache', 'peer', bentocache);
  await add('cache-manager', 'peer', cacheManager);
  await add('@epic-web/cachified', 'peer', cachifiedLib);
  await add('async-cache-dedupe', 'peer', asyncCacheDedupe);
  return list;
}

/**
 * The variant of a remote hit scenario that decodes every hit (`decodeMemo: false`), as before the
 * memo: a reference row (no target judges it) beside the default, which copies a hit's value.
 */
export const NO_DECODE_MEMO = ['easy-cache, decodeMemo: false (every hit decoded)', { decodeMemo: false }, 'reference'];

/** The label of easy-cache in its default configuration on `backend`. */
export function easyLabel(backend) {
  if (backend === 'memory') return 'easy-cache, new MemoryCache() (default: copies)';
  if (backend === 'redis') return 'easy-cache, new RedisCache(new Redis())';
  return "easy-cache, new MemcachedCache('host:port')";
}
