// Port of the examples of the Python package's README (Bahus/easy_cache): "Introduction",
// "Simple examples", "Using custom cache key generators", "How to cache staticmethod and
// classmethod", "MetaCallable object", "Internal caches framework", "Dynamic timeout" and
// "Performance and overhead". docs/migrating-from-python.md shows each beside its TypeScript form.
import { cached, cachedMethod, caches, CacheConfigError, createCacheKey, MemoryCache, metaAccepted, NOT_FOUND } from '../../lib';
import type { BackendTimeout, CacheInstance, CachedMember, Meta } from '../../lib';
import { functionRuns, RecordingBackend, testResult } from './python-port-support';

let backend: RecordingBackend;

beforeEach(() => {
  backend = new RecordingBackend(new MemoryCache());
  caches.setDefault(backend);
  functionRuns.mockClear();
});

const sumTo = (n: number): number => {
  functionRuns(n);
  return (n * (n + 1)) / 2;
};

describe('Python README: introduction and simple examples', () => {
  // README "Introduction": @ecached('time_consuming_operation_{n}', 3600) + invalidate_cache_by_key(n).
  it('caches time_consuming_operation by n for an hour and invalidates it by key', async () => {
    const timeConsumingOperation = cached(async (n: number) => sumTo(n), { cacheKey: 'time_consuming_operation_{n}', timeout: 3600 });
    await expect(timeConsumingOperation(10)).resolves.toBe(55);
    await expect(timeConsumingOperation(10)).resolves.toBe(55);
    expect(functionRuns).toHaveBeenCalledTimes(1);
    expect(backend.timeouts.get('time_consuming_operation_10')).toBe(3600);

    await timeConsumingOperation.invalidateCacheByKey(10);
    await timeConsumingOperation(10);
    expect(functionRuns).toHaveBeenCalledTimes(2);
  });

  // README "Simple examples": @ecached() with *args, **kwargs (automatic key from name and arguments).
  it('default parameters: automatic key from the name and every argument', async () => {
    const timeConsumingOperation = cached(async function timeConsumingOperation(...args: unknown[]) {
      return testResult(...args);
    });
    await timeConsumingOperation(1, 'x');
    await timeConsumingOperation(1, 'x');
    await timeConsumingOperation(1, 'y');
    expect(functionRuns).toHaveBeenCalledTimes(2);
    expect(timeConsumingOperation.getCacheKey(1, 'x').startsWith('timeConsumingOperation:')).toBe(true);
    expect(backend.timeouts.get(timeConsumingOperation.getCacheKey(1, 'x'))).toBeUndefined();
  });

  // README: @ecached('time_consuming_operation', 100) — a static key and a timeout of 100 seconds.
  it('a static key and a timeout of 100 seconds', async () => {
    const op = cached(async () => testResult('static'), { cacheKey: 'time_consuming_operation', timeout: 100 });
    await op();
    await op();
    expect(functionRuns).toHaveBeenCalledTimes(1);
    expect(backend.timeouts.get('time_consuming_operation')).toBe(100);
  });

  // README: @ecached('my_key:{b}:{d}:{c}') def f(a, b, c=100, d='foo').
  it('a template in any order, literal defaults filled in, unused parameters ignored', async () => {
    const op = cached(async (a: number, b: number, c = 100, d = 'foo') => testResult(a, b, c, d), { cacheKey: 'my_key:{b}:{d}:{c}' });
    expect(op.getCacheKey(1, 2)).toBe('my_key:2:foo:100');
    await op(1, 2);
    await op(9, 2, 100, 'foo');
    expect(functionRuns).toHaveBeenCalledTimes(1);
  });

  // README: @ecached('key:{kwargs[param1]}:{kwargs[param2]}:{args[0]}') def f(*args, **kwargs).
  // Keyword arguments become an options object; a rest parameter stands for *args.
  it('bracket paths into an object parameter and a rest parameter', async () => {
    const op = cached(async (kwargs: Record<string, unknown>, ...args: unknown[]) => testResult(kwargs['param1'], ...args), {
      cacheKey: 'key:{kwargs[param1]}:{kwargs[param2]}:{args[0]}',
    });
    expect(op.getCacheKey({ param1: 'p1', param2: 'p2' }, 'x', 'y')).toBe('key:p1:p2:x');
    await op({ param1: 'p1', param2: 'p2' }, 'x', 'y');
    await op({ param2: 'p2', param1: 'p1' }, 'x', 'z');
    expect(functionRuns).toHaveBeenCalledTimes(1);
  });

  // README: memcached = partial(ecached, cache_alias='memcached'); @memcached(['a', 'b'], timeout=600).
  it('a shared options object with cacheAlias and a list of names', async () => {
    const memcachedLike = new RecordingBackend(new MemoryCache());
    caches.set('memcached', memcachedLike);
    const viaMemcached = { cacheAlias: 'memcached' } as const;
    const op = cached(async (a: number, b: number, c = 'default') => testResult(a, b, c), { ...viaMemcached, cacheKey: ['a', 'b'], timeout: 600 });
    await op(1, 2);
    await op(1, 2, 'other');
    expect(functionRuns).toHaveBeenCalledTimes(1);
    expect(await memcachedLike.has('1:2')).toBe(true);
    expect(memcachedLike.timeouts.get('1:2')).toBe(600);
    expect(await backend.has('1:2')).toBe(false);
  });
});

describe('Python README: custom cache key generators', () => {
  class A {
    readonly id = 1;

    async timeConsumingOperation(a: number, b: number, c = 10, d = 20): Promise<string> {
      return testResult(a, b, c, d);
    }

    async withMeta(a: number, b: number, c = 10, d = 20): Promise<string> {
      return testResult(a, b, c, d);
    }

    async withMarkedMeta(a: number, b: number, c = 10, d = 20): Promise<string> {
      return testResult(a, b, c, d);
    }
  }
  type Op = (a: number, b: number, c?: number, d?: number) => Promise<string>;
  const view = (op: Op): CachedMember<Op> => op as unknown as CachedMember<Op>;

  // README `custom_cache_key(self, a, b, c, d)`: the key function gets the call's arguments, `this` = scope.
  function customCacheKey(this: A, a: number, _b: number, _c?: number, d?: number): string {
    return createCacheKey(this.id, a, d);
  }
  // README `custom_cache_key_meta(meta)`: a lone parameter named `meta` receives the Meta object.
  function customCacheKeyMeta(meta: Meta<[number, number, number?, number?], Promise<string>, A>): string {
    return `${(meta.scope as A).id}:${String(meta.callArgs.a)}:${String(meta.callArgs.d)}`;
  }
  // README `@meta_accepted def custom_cache_key_meta(parameter_with_any_name)`.
  const customCacheKeyMarked = metaAccepted((parameterWithAnyName: Meta<[number, number, number?, number?], Promise<string>, A>) => {
    const meta = parameterWithAnyName;
    return `${(meta.scope as A).id}:${String(meta.callArgs.a)}:${String(meta.callArgs.d)}`;
  });

  cachedMethod(A, 'timeConsumingOperation', { cacheKey: customCacheKey });
  cachedMethod(A, 'withMeta', { cacheKey: customCacheKeyMeta });
  cachedMethod(A, 'withMarkedMeta', { cacheKey: customCacheKeyMarked });

  it('a key function with the method\'s signature', async () => {
    const op = view(new A().timeConsumingOperation);
    expect(op.getCacheKey(5, 6, 7, 8)).toBe('1:5:8');
    await op(5, 6, 7, 8);
    await op(5, 0, 0, 8);
    expect(functionRuns).toHaveBeenCalledTimes(1);
  });

  it('a key function taking meta, found by its parameter name, sees defaults in callArgs', async () => {
    const op = view(new A().withMeta);
    expect(op.getCacheKey(5, 6)).toBe('1:5:20');
    await op(5, 6);
    await op(5, 7, 10, 20);
    expect(functionRuns).toHaveBeenCalledTimes(1);
  });

  it('a key function marked with metaAccepted, whatever its parameter is called', async () => {
    const op = view(new A().withMarkedMeta);
    expect(op.getCacheKey(5, 6, 7, 30)).toBe('1:5:30');
    await op(5, 6, 7, 30);
    await op(5, 6, 8, 30);
    expect(functionRuns).toHaveBeenCalledTimes(1);
  });
});

describe('Python README: staticmethod, classmethod and the meta object', () => {
  class B {
    static readonly CONST = 'abc';

    static async getListByDate(startDate: Date): Promise<string> {
      return testResult(startDate.toISOString());
    }

    static async getInfo(): Promise<string> {
      return testResult('info');
    }
  }
  // README: @ecached(lambda start_date: 'get_list:{}'.format(start_date.year)) on a staticmethod.
  cachedMethod(B, 'getListByDate', { static: true, cacheKey: (startDate: Date) => `get_list:${startDate.getUTCFullYear()}` });
  // README: @ecached('info_cache:{cls.CONST}', 3600, cache_alias='redis_cache') on a classmethod.
  const getInfo = cachedMethod(B, 'getInfo', { static: true, cacheKey: 'info_cache:{this.CONST}', timeout: 3600, cacheAlias: 'redis_cache' });

  it('a static method cached once per year of its date', async () => {
    await B.getListByDate(new Date('2024-01-05T00:00:00Z'));
    await B.getListByDate(new Date('2024-11-30T00:00:00Z'));
    await B.getListByDate(new Date('2025-01-01T00:00:00Z'));
    expect(functionRuns).toHaveBeenCalledTimes(2);
  });

  it('a static method keyed by a class constant, on an aliased backend', async () => {
    const redisLike = new RecordingBackend(new MemoryCache());
    caches.set('redis_cache', redisLike);
    await B.getInfo();
    await B.getInfo();
    expect(functionRuns).toHaveBeenCalledTimes(1);
    expect(getInfo.getCacheKey(B)).toBe('info_cache:abc');
    expect(redisLike.timeouts.get('info_cache:abc')).toBe(3600);
  });

  // README "MetaCallable object description": args, callArgs, scope, function, hasReturnedValue / returnedValue.
  it('a meta tag function sees the call before it runs and its returned value after', async () => {
    const seen: Array<Record<string, unknown>> = [];
    async function lookUp(this: unknown, id: number, page = 1): Promise<string[]> {
      return [`item-${id}-${page}`];
    }
    const op = cached(lookUp, {
      cacheKey: 'look:{id}:{page}',
      tags: metaAccepted((meta: Meta<[number, number?], Promise<string[]>, unknown>) => {
        seen.push({ args: meta.args, callArgs: meta.callArgs, scope: meta.scope, fn: meta.function, has: meta.hasReturnedValue, value: meta.returnedValue });
        return meta.hasReturnedValue ? (meta.returnedValue ?? []) : ['look'];
      }),
    });
    const scope = { name: 'scope' };
    await op.call(scope, 7);
    expect(seen).toEqual([
      { args: [7], callArgs: { id: 7, page: 1 }, scope, fn: lookUp, has: false, value: undefined },
      { args: [7], callArgs: { id: 7, page: 1 }, scope, fn: lookUp, has: true, value: ['item-7-1'] },
    ]);
  });
});

describe('Python README: internal caches framework, dynamic timeout, overhead', () => {
  // README: class CustomCache(AbstractCacheInstance) with get/get_many/set/set_many/delete.
  class CustomCache implements CacheInstance {
    readonly data = new Map<string, unknown>();
    async get(key: string): Promise<unknown> {
      return this.data.has(key) ? this.data.get(key) : NOT_FOUND;
    }
    async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
      return new Map(keys.filter((key) => this.data.has(key)).map((key) => [key, this.data.get(key)]));
    }
    async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
      if (typeof timeout === 'number' && timeout <= 0) this.data.delete(key);
      else this.data.set(key, value);
    }
    async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
      for (const [key, value] of entries) await this.set(key, value, timeout);
    }
    async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
      if (this.data.has(key)) return false;
      await this.set(key, value, timeout);
      return true;
    }
    async delete(key: string): Promise<boolean> {
      return this.data.delete(key);
    }
  }

  it('a custom backend by alias, by instance and as the default', async () => {
    const custom = new CustomCache();
    const fallback = new CustomCache();
    caches.set('new_cache', custom);
    caches.setDefault(fallback);
    const byAlias = cached(async (n: number) => testResult(n), { cacheKey: 'alias:{n}', cacheAlias: 'new_cache' });
    const byInstance = cached(async (n: number) => testResult(n), { cacheKey: 'instance:{n}', cacheInstance: custom });
    const byDefault = cached(async (n: number) => testResult(n), { cacheKey: 'default:{n}' });
    await byAlias(1);
    await byInstance(1);
    await byDefault(1);
    await Promise.all([byAlias(1), byInstance(1), byDefault(1)]);
    expect(functionRuns).toHaveBeenCalledTimes(3);
    expect([...custom.data.keys()].sort()).toEqual(['alias:1', 'instance:1']);
    expect([...fallback.data.keys()]).toEqual(['default:1']);
    expect(caches.get('new_cache')).toBe(custom);
    expect(caches.getDefault()).toBe(fallback);
  });

  // Python raises a KeyError for an unknown alias; ours is a CacheConfigError naming it, at call time (SPEC section 9).
  it('an unknown alias is a CacheConfigError naming it when the function is called', async () => {
    const op = cached(async () => 1, { cacheKey: 'k', cacheAlias: 'nowhere' });
    await expect(op()).rejects.toThrow(CacheConfigError);
    await expect(op()).rejects.toThrow(/nowhere/);
  });

  // README "Dynamic timeout example": dynamic_timeout(group) gives 10 s to admins, 100 s to others.
  it('a timeout function of the call', async () => {
    const dynamicTimeout = (group: string): number => (group === 'admins' ? 10 : 100);
    const getUsersByGroup = cached(async (group: string) => testResult(group), { cacheKey: 'key:{group}', timeout: dynamicTimeout });
    await getUsersByGroup('admins');
    await getUsersByGroup('guests');
    expect(backend.timeouts.get('key:admins')).toBe(10);
    expect(backend.timeouts.get('key:guests')).toBe(100);
  });

  // README "Performance and overhead": without tags a hit is one `get`; with tags or a prefix it is `get` + `get_many`.
  it('a hit costs one backend call without tags and two with tags', async () => {
    const plain = cached(async (n: number) => testResult(n), { cacheKey: 'plain:{n}' });
    const tagged = cached(async (n: number) => testResult(n), { cacheKey: 'tagged:{n}', tags: ['t:{n}'], prefix: 'p' });
    await plain(1);
    backend.resetCalls();
    await plain(1);
    expect(backend.calls).toEqual({ get: 1, getMany: 0, set: 0, setMany: 0, add: 0, delete: 0 });

    await tagged(1);
    backend.resetCalls();
    await tagged(1);
    expect(backend.calls).toEqual({ get: 1, getMany: 1, set: 0, setMany: 0, add: 0, delete: 0 });
  });
});
