/** Contenders of the key-building scenarios: `getCacheKey` against the same key written by hand. */
import stringify from 'safe-stable-stringify';
import { baselineLabel } from './baseline.js';

const LOCALES = ['en', 'fr', 'de', 'it'];

/** A no-op backend target so that `cached()` needs no registry; keys are only rendered. */
function memoryOf(lib) {
  return new lib.core.MemoryCache({ copy: false });
}

/**
 * easy-cache's contender, `run` built by `build(lib)` from the current library, followed with
 * `--baseline` by the same built from the baseline library (public API only: `cached` and
 * `getCacheKey`, so no internal path of the baseline is needed).
 */
function easyAndTwin(env, label, build) {
  const list = [{ label, role: 'easy-cache', sync: true, run: build(env.lib) }];
  if (env.baselineLib) list.push({ label: baselineLabel(env, label), role: 'baseline', twinOf: label, sync: true, run: build(env.baselineLib) });
  return list;
}

/** "Peers build no keys": the four peers take a key string the caller writes. */
function callerBuilt(label) {
  return { label, role: 'peer', na: 'the caller writes the key string itself' };
}

/** Template `user:{id}`. */
export function oneTemplate(env) {
  const build = (lib) => {
    const getUser = lib.core.cached(async (id) => id, { cacheKey: 'user:{id}', cacheInstance: memoryOf(lib) });
    return (i) => getUser.getCacheKey(i & 1023);
  };
  return [
    { label: 'template literal `user:${id}`', role: 'limit', sync: true, run: (i) => `user:${i & 1023}` },
    ...easyAndTwin(env, "easy-cache getCacheKey, cacheKey 'user:{id}'", build),
    callerBuilt('bentocache'),
    callerBuilt('cache-manager'),
    callerBuilt('@epic-web/cachified'),
    callerBuilt('async-cache-dedupe'),
  ];
}

/** A template with 8 placeholders over numbers, strings and a boolean. */
export function eightTemplate(env) {
  const build = (lib) => {
    const search = lib.core.cached(async (shop, locale, page, sort, desc, size, country, query) => [shop, locale, page, sort, desc, size, country, query], {
      cacheKey: 'search:{shop}:{locale}:{page}:{sort}:{desc}:{size}:{country}:{query}',
      cacheInstance: memoryOf(lib),
    });
    return (i) => search.getCacheKey(i & 1023, LOCALES[i & 3], i & 7, 'price', (i & 1) === 0, 20, 'FR', 'red shoes');
  };
  return [
    {
      label: 'template literal with 8 values',
      role: 'limit',
      sync: true,
      run: (i) => `search:${i & 1023}:${LOCALES[i & 3]}:${i & 7}:price:${(i & 1) === 0}:20:FR:red shoes`,
    },
    ...easyAndTwin(env, 'easy-cache getCacheKey, 8 placeholders', build),
    callerBuilt('bentocache'),
    callerBuilt('cache-manager'),
    callerBuilt('@epic-web/cachified'),
    callerBuilt('async-cache-dedupe'),
  ];
}

/** The automatic key (no `cacheKey`) of a function of a number and a string. */
export function automaticKey(env) {
  const build = (lib) => {
    const getUser = lib.core.cached(async function getUser(id, locale) {
      return [id, locale];
    }, { cacheInstance: memoryOf(lib) });
    return (i) => getUser.getCacheKey(i & 1023, LOCALES[i & 3]);
  };
  return [
    { label: "string concatenation 'getUser:' + id + ':' + locale", role: 'limit', sync: true, run: (i) => 'getUser:' + (i & 1023) + ':' + LOCALES[i & 3] },
    ...easyAndTwin(env, 'easy-cache getCacheKey, automatic key', build),
    {
      label: 'async-cache-dedupe key (safe-stable-stringify of its one argument { id, locale })',
      role: 'peer',
      sync: true,
      run: (i) => stringify({ id: i & 1023, locale: LOCALES[i & 3] }),
    },
    callerBuilt('bentocache'),
    callerBuilt('cache-manager'),
    callerBuilt('@epic-web/cachified'),
  ];
}
