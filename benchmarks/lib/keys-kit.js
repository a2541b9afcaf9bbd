/** Contenders of the key-building scenarios: `getCacheKey` against the same key written by hand. */
import stringify from 'safe-stable-stringify';

const LOCALES = ['en', 'fr', 'de', 'it'];

/** A no-op backend target so that `cached()` needs no registry; keys are only rendered. */
function memoryOf(env) {
  return new env.lib.core.MemoryCache({ copy: false });
}

/** "Peers build no keys": the four peers take a key string the caller writes. */
function callerBuilt(label) {
  return { label, role: 'peer', na: 'the caller writes the key string itself' };
}

/** Template `user:{id}`. */
export function oneTemplate(env) {
  const getUser = env.lib.core.cached(async (id) => id, { cacheKey: 'user:{id}', cacheInstance: memoryOf(env) });
  return [
    { label: 'template literal `user:${id}`', role: 'limit', sync: true, run: (i) => `user:${i & 1023}` },
    { label: "easy-cache getCacheKey, cacheKey 'user:{id}'", role: 'easy-cache', sync: true, run: (i) => getUser.getCacheKey(i & 1023) },
    callerBuilt('bentocache'),
    callerBuilt('cache-manager'),
    callerBuilt('@epic-web/cachified'),
    callerBuilt('async-cache-dedupe'),
  ];
}

/** A template with 8 placeholders over numbers, strings and a boolean. */
export function eightTemplate(env) {
  const search = env.lib.core.cached(async (shop, locale, page, sort, desc, size, country, query) => [shop, locale, page, sort, desc, size, country, query], {
    cacheKey: 'search:{shop}:{locale}:{page}:{sort}:{desc}:{size}:{country}:{query}',
    cacheInstance: memoryOf(env),
  });
  return [
    {
      label: 'template literal with 8 values',
      role: 'limit',
      sync: true,
      run: (i) => `search:${i & 1023}:${LOCALES[i & 3]}:${i & 7}:price:${(i & 1) === 0}:20:FR:red shoes`,
    },
    {
      label: 'easy-cache getCacheKey, 8 placeholders',
      role: 'easy-cache',
      sync: true,
      run: (i) => search.getCacheKey(i & 1023, LOCALES[i & 3], i & 7, 'price', (i & 1) === 0, 20, 'FR', 'red shoes'),
    },
    callerBuilt('bentocache'),
    callerBuilt('cache-manager'),
    callerBuilt('@epic-web/cachified'),
    callerBuilt('async-cache-dedupe'),
  ];
}

/** The automatic key (no `cacheKey`) of a function of a number and a string. */
export function automaticKey(env) {
  const getUser = env.lib.core.cached(async function getUser(id, locale) {
    return [id, locale];
  }, { cacheInstance: memoryOf(env) });
  return [
    { label: "string concatenation 'getUser:' + id + ':' + locale", role: 'limit', sync: true, run: (i) => 'getUser:' + (i & 1023) + ':' + LOCALES[i & 3] },
    { label: 'easy-cache getCacheKey, automatic key', role: 'easy-cache', sync: true, run: (i) => getUser.getCacheKey(i & 1023, LOCALES[i & 3]) },
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
