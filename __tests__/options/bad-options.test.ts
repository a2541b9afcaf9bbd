import { CacheConfigError, CacheTemplateError, DEFAULT_TIMEOUT, MemoryCache, cached, cachedMethod, cacheExports, caches, invalidateCacheKey, invalidateCacheTags } from '../../lib';

async function getUser(id: number, tenant = 'main') {
  return { id, tenant };
}

// Each row: options given to cached(getUser, ...), the option the error must name, and a fragment of its message.
const rows: [string, unknown, string, RegExp][] = [
  ['a misspelt option', { timout: 5 }, 'timout', /"timout" is not an option of cached\(\); known options are cacheKey, timeout/],
  ['a timeout in words', { timeout: 'soon' }, 'timeout', /must be seconds .*; received "soon"/],
  ['a zero timeout', { timeout: 0 }, 'timeout', /positive finite number/],
  ['a negative timeout', { timeout: -1 }, 'timeout', /received -1/],
  ['an infinite timeout', { timeout: Infinity }, 'timeout', /received null|received Infinity/],
  ['a NaN timeout', { timeout: NaN }, 'timeout', /timeout/],
  ['a numeric cacheKey', { cacheKey: 42 }, 'cacheKey', /template string, a non-empty list/],
  ['an empty cacheKey list', { cacheKey: [] }, 'cacheKey', /received \[\]/],
  ['a single tag string', { tags: 'user:{id}' }, 'tags', /a list of tag templates/],
  ['a tag that is not a string', { tags: ['ok', 3] }, 'tags', /non-empty strings/],
  ['a numeric prefix', { prefix: 7 }, 'prefix', /non-empty template string/],
  ['an empty cacheAlias', { cacheAlias: '' }, 'cacheAlias', /non-empty name/],
  ['a cacheInstance that is no backend', { cacheInstance: new Map() }, 'cacheInstance', /get, getMany, set, setMany, add and delete/],
  ['cacheAlias and cacheInstance together', { cacheAlias: 'x', cacheInstance: new MemoryCache() }, 'cacheAlias', /cannot be used together/],
  ['an empty name', { name: '' }, 'name', /non-empty string/],
  ['argNames that are not names', { argNames: 'id' }, 'argNames', /list of parameter names/],
  ['an onError that is no function', { onError: true }, 'onError', /a function/],
  ['a strict that is no boolean', { strict: 'yes' }, 'strict', /true or false/],
  ['a negative backendTimeoutMs', { backendTimeoutMs: -5 }, 'backendTimeoutMs', /positive finite number/],
  ['a grace in words', { timeout: 60, grace: '5' }, 'grace', /option "grace" must be seconds \(a positive finite number\) an entry stays as a stale fallback/],
  ['a zero grace', { timeout: 60, grace: 0 }, 'grace', /received 0/],
  ['an infinite grace', { timeout: 60, grace: Infinity }, 'grace', /positive finite number/],
  ['a negative graceBackoff', { timeout: 60, grace: 5, graceBackoff: -1 }, 'graceBackoff', /seconds \(a positive finite number\); received -1/],
  ['a negative softTimeoutMs', { timeout: 60, grace: 5, softTimeoutMs: -1 }, 'softTimeoutMs', /finite number >= 0; 0 serves a stale value at once/],
  ['a NaN softTimeoutMs', { timeout: 60, grace: 5, softTimeoutMs: NaN }, 'softTimeoutMs', /softTimeoutMs/],
  ['a zero hardTimeoutMs', { timeout: 60, hardTimeoutMs: 0 }, 'hardTimeoutMs', /milliseconds \(a positive finite number\); received 0/],
  ['a hardTimeoutMs in words', { timeout: 60, hardTimeoutMs: '1s' }, 'hardTimeoutMs', /received "1s"/],
  ['an eagerRefresh of 1', { timeout: 60, eagerRefresh: 1 }, 'eagerRefresh', /strictly between 0 and 1; received 1/],
  ['an eagerRefresh of 0', { timeout: 60, eagerRefresh: 0 }, 'eagerRefresh', /strictly between 0 and 1/],
  ['a negative eagerRefresh', { timeout: 60, eagerRefresh: -0.5 }, 'eagerRefresh', /strictly between 0 and 1; received -0.5/],
  ['an eagerRefresh over 1', { timeout: 60, eagerRefresh: 1.5 }, 'eagerRefresh', /strictly between 0 and 1; received 1.5/],
  ['a NaN eagerRefresh', { timeout: 60, eagerRefresh: NaN }, 'eagerRefresh', /strictly between 0 and 1/],
  ['an eagerRefresh in words', { timeout: 60, eagerRefresh: '0.5' }, 'eagerRefresh', /received "0.5"/],
  ['a negative jitter', { timeout: 60, jitter: -2 }, 'jitter', /seconds \(a finite number >= 0\) or a function of the call; received -2/],
  ['an infinite jitter', { timeout: 60, jitter: Infinity }, 'jitter', /jitter/],
  ['a lock in words', { lock: 'yes' }, 'lock', /option "lock" must be true, false, or \{ ttlMs\?, waitMs\? \}/],
  ['a lock with a zero ttlMs', { lock: { ttlMs: 0 } }, 'lock', /ttlMs milliseconds \(a positive finite number\)/],
  ['a lock with a negative waitMs', { lock: { waitMs: -1 } }, 'lock', /waitMs milliseconds \(a finite number >= 0\)/],
  ['a lock with a misspelt field', { lock: { ttl: 5000 } }, 'lock', /received \{"ttl":5000\}|received/],
  ['a schema that is no Standard Schema', { schema: { parse: (v: unknown) => v } }, 'schema', /option "schema" must be a zod schema or another Standard Schema/],
  ['a schema whose ~standard has no validate', { schema: { '~standard': { version: 1 } } }, 'schema', /"~standard"\.validate/],
  ['a numeric version', { version: 2 }, 'version', /option "version" must be a non-empty string; entries written under another version are misses; received 2/],
  ['an empty version', { version: '' }, 'version', /received ""/],
  ['grace without a timeout', { grace: 5 }, 'grace', /option "grace" needs a "timeout" in seconds or a timeout function/],
  ['grace with timeout null', { timeout: null, grace: 5 }, 'grace', /needs a "timeout" .*received timeout null/],
  ['eagerRefresh with DEFAULT_TIMEOUT', { timeout: DEFAULT_TIMEOUT, eagerRefresh: 0.5 }, 'eagerRefresh', /option "eagerRefresh" needs a "timeout"/],
  ['jitter without a timeout', { jitter: 1 }, 'jitter', /option "jitter" needs a "timeout"/],
  ['graceBackoff without grace', { timeout: 60, graceBackoff: 1 }, 'graceBackoff', /option "graceBackoff" applies only to stale values and needs option "grace"/],
  ['softTimeoutMs without grace', { timeout: 60, softTimeoutMs: 0 }, 'softTimeoutMs', /option "softTimeoutMs" applies only to stale values and needs option "grace"/],
  ['an unknown placeholder', { cacheKey: 'user:{usr}' }, 'cacheKey', /unknown placeholder "\{usr\}" .*parameters are id, tenant/],
  ['a lone brace', { cacheKey: 'user:{id' }, 'cacheKey', /user:\{id/],
  ['a forbidden path segment', { cacheKey: 'user:{id.__proto__}' }, 'cacheKey', /__proto__/],
  ['a tag with an unknown placeholder', { tags: ['t:{nope}'] }, 'tags', /nope/],
  ['a prefix with an unknown placeholder', { prefix: 'p:{nope}' }, 'prefix', /nope/],
];

describe('cached() refuses bad options with a CacheConfigError naming the option', () => {
  it.each(rows)('%s', (_label, options, option, message) => {
    let thrown: unknown;
    try {
      cached(getUser, options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CacheConfigError);
    expect(thrown).toMatchObject({ option, code: expect.stringMatching(/^E_CACHE_(CONFIG|TEMPLATE)$/) });
    expect((thrown as Error).message).toMatch(/^cached\(getUser\)/);
    expect((thrown as Error).message).toMatch(message);
  });

  it('accepts the stale-serving options with a timeout in seconds or a timeout function', () => {
    const all = { grace: 5, graceBackoff: 1, softTimeoutMs: 0, hardTimeoutMs: 10, eagerRefresh: 0.5, jitter: () => 1 };
    expect(() => cached(getUser, { timeout: 60, ...all })).not.toThrow();
    expect(() => cached(getUser, { timeout: () => 60, ...all })).not.toThrow();
    expect(() => cached(getUser, { hardTimeoutMs: 10 })).not.toThrow();
  });

  it('gives template errors the template and the index', () => {
    expect(() => cached(getUser, { cacheKey: 'user:{usr}' })).toThrow(CacheTemplateError);
    try {
      cached(getUser, { cacheKey: 'user:{usr}' });
    } catch (error) {
      expect(error).toMatchObject({ template: 'user:{usr}', index: 5 });
    }
  });

  it('refuses a function without a name and without a cacheKey', () => {
    expect(() => cached((() => async () => 1)())).toThrow(/needs option "cacheKey" or "name"/);
    expect(cached((() => async () => 1)(), { name: 'one' }).getCacheKey()).toBe('one');
  });

  it('refuses what is not a function or not an options object', () => {
    expect(() => cached(42 as never)).toThrow(CacheConfigError);
    expect(() => cached(getUser, 'user:{id}' as never)).toThrow(/options must be an object/);
  });

  it('reports an unknown cacheAlias at call time, naming it', async () => {
    const get = cached(getUser, { cacheAlias: 'nowhere' });
    await expect(get(1)).rejects.toThrow(/no backend is registered under cacheAlias "nowhere"/);
    caches.set('nowhere', new MemoryCache());
    await expect(get(1)).resolves.toEqual({ id: 1, tenant: 'main' });
    caches.delete('nowhere');
  });

  it('refuses cachedMethod and cacheExports on members that are missing or not functions', () => {
    class Shop {
      name = 'x';
      async list() {
        return [];
      }
    }
    expect(() => cachedMethod(Shop, 'missing' as never)).toThrow(/has no method "missing"/);
    expect(() => cachedMethod(Shop, 'list', { static: 'yes' } as never)).toThrow(/option "static" must be true or false; received "yes"/);
    cachedMethod(Shop, 'list');
    expect(() => cachedMethod(Shop, 'list')).toThrow(/"list" is already cached; cache each member once/);
    expect(() => cacheExports({ VERSION: 1 }, { VERSION: {} } as never)).toThrow(/export "VERSION" is not a function/);
  });
});

describe('the free invalidation functions check their input', () => {
  it.each([
    ['a misspelt option', () => invalidateCacheKey('k', { cacheAlais: 'x' } as never), /option "cacheAlais" is not an option of the invalidation functions; known options are cacheAlias, cacheInstance, backendTimeoutMs/],
    ['a negative bound', () => invalidateCacheKey('k', { backendTimeoutMs: -5 }), /option "backendTimeoutMs" must be a positive finite number of milliseconds; received -5/],
    ['an empty key', () => invalidateCacheKey(''), /key must be a non-empty string/],
    ['no tags', () => invalidateCacheTags([]), /tags must be a non-empty string or a non-empty list of them/],
  ])('refuses %s', async (_label, call, message) => {
    await expect(call()).rejects.toThrow(message);
    await expect(call()).rejects.toBeInstanceOf(CacheConfigError);
  });
});
