// Port of the classmethod / staticmethod scenarios of the Python package's tests/tests_basic.py
// (ClassCachedDecoratorTest). Both become static methods cached with
// `cachedMethod(User, 'name', { static: true, ... })`; `cls` in templates becomes `this` (the
// class). Through the class, the helpers use the class as scope (SPEC section 9).
import { cachedMethod, caches, CacheKeyError, createCacheKey, MemoryCache } from '../../lib';
import type { CachedMember } from '../../lib';
import { checkBase, checkCacheKey, checkCachePrefix, checkTags, checkTimeout, functionRuns, RecordingBackend, subjectOf, testResult } from './python-port-support';

class User {
  // Python's class attribute `name`: a static `name` would clash with Function.prototype.name.
  static readonly label = 'user_name';

  static async classMethodDefaultCacheKey(a: unknown, b: unknown, c: unknown = 9, d: unknown = 'HAHA'): Promise<string> {
    void d;
    return testResult(a, b, c);
  }

  static async classMethodCacheKeyString(a: unknown, b: unknown, c: unknown = 17): Promise<string> {
    return testResult(a, b, c);
  }

  static async classMethodFullSpec(a: unknown, b: unknown, c: unknown = 18): Promise<string> {
    return testResult(a, b, c);
  }

  static async staticMethod(hg: unknown, test: unknown = 'abc', n: unknown = 1.1): Promise<string> {
    return testResult(hg, test, n);
  }

  static async staticMethodDefaultKey(a: unknown, b: unknown, c: unknown = 11): Promise<string> {
    return testResult(a, b, c);
  }
}

type Static = (a: unknown, b?: unknown, c?: unknown, d?: unknown) => Promise<string>;
const view = (method: Static): CachedMember<Static> => method as unknown as CachedMember<Static>;

// Python `prefix=lambda cls, *args, **kwargs: create_cache_key('USER', args[0], args[1])`.
function fullSpecPrefix(this: typeof User, a: unknown, b: unknown): string {
  return createCacheKey('USER', a, b);
}

cachedMethod(User, 'classMethodDefaultCacheKey', { static: true });
cachedMethod(User, 'classMethodCacheKeyString', { static: true, cacheKey: '{this.label}:{c}' });
cachedMethod(User, 'classMethodFullSpec', {
  static: true,
  cacheKey: ['this.label', 'a'],
  timeout: 500,
  tags: ['tag4', 'tag5:{this.label}'],
  prefix: fullSpecPrefix,
});
const staticHandle = cachedMethod(User, 'staticMethod', { static: true, cacheKey: '{hg}:{hg}:{test}', prefix: 'пользователь' });
cachedMethod(User, 'staticMethodDefaultKey', { static: true, tags: ['ttt:{c}'], prefix: 'ppp:{b}' });

let backend: RecordingBackend;

beforeEach(() => {
  backend = new RecordingBackend(new MemoryCache());
  caches.setDefault(backend);
  functionRuns.mockClear();
});

describe('Python ClassCachedDecoratorTest: class and static methods', () => {
  // test_default_cache_key (class method part): Python key `<module>.User.class_method_default_cache_key:2:3:9:HAHA`.
  it('test_default_cache_key: automatic key of a static method, every literal default filled in', async () => {
    const subject = subjectOf(view(User.classMethodDefaultCacheKey));
    const key = subject.getCacheKey(2, 3);
    expect(key.startsWith('User.classMethodDefaultCacheKey:')).toBe(true);
    expect(key).toBe(subject.getCacheKey(2, 3, 9, 'HAHA'));
    expect(key).not.toBe(subject.getCacheKey(2, 3, 9, 'hoho'));
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [2, 3]);
    checkTimeout(backend, key, undefined);
  });

  // test_class_method_key_string. Python also calls it through an instance (`user.class_method...`);
  // JavaScript statics are not reachable through instances, so that half has no counterpart.
  it('test_class_method_key_string: {this.label} reads the class', async () => {
    const subject = subjectOf(view(User.classMethodCacheKeyString));
    const key = createCacheKey('user_name', 17);
    await checkBase(subject, 'c');
    await checkCacheKey(backend, subject, key, [1, 2]);
    checkTimeout(backend, key, undefined);
    await checkCacheKey(backend, subject, key, [4, 5]);
  });

  // test_class_method_full_spec
  it('test_class_method_full_spec: list key with this, timeout, tag templates and a prefix function', async () => {
    const subject = subjectOf(view(User.classMethodFullSpec));
    const [a, b, c] = ['a', 'b', 10];
    const key = createCacheKey('USER', a, b, 'user_name', a);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [a, b, c]);
    checkTimeout(backend, key, 500);
    await checkTags(backend, subject, [['tag4'], ['tag5', 'user_name']], [a, b, c]);
    await checkCachePrefix(backend, subject, ['USER', a, b], [a, b, c]);
  });

  // test_static_method
  it('test_static_method: a repeated placeholder, a default in the key and a non-ASCII prefix', async () => {
    const subject = subjectOf(view(User.staticMethod));
    const [hg, test] = [123, 'ЫЫЫЫ'];
    const key = createCacheKey('пользователь', hg, hg, test);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [hg, test]);
    checkTimeout(backend, key, undefined);
    await checkCachePrefix(backend, subject, ['пользователь'], [hg, test]);
    // The default of `test` renders when it is left off.
    expect(subject.getCacheKey(hg)).toBe(createCacheKey('пользователь', hg, hg, 'abc'));
    // The handle takes the scope first; the class is the scope a static method sees.
    expect(staticHandle.getCacheKey(User, hg, test)).toBe(key);
  });

  // test_static_method_default_key. Python invalidates with keywords (`c=3`, `b=2`); JavaScript has
  // none, so we pass the positions, an explicit `undefined` standing for an argument left out.
  it('test_static_method_default_key: automatic key under a prefix, then partial invalidation', async () => {
    const method = view(User.staticMethodDefaultKey);
    const subject = subjectOf(method);
    const key = subject.getCacheKey(1, 2);
    expect(key.startsWith(`${createCacheKey('ppp', 2)}:User.staticMethodDefaultKey:`)).toBe(true);
    expect(key).toBe(subject.getCacheKey(1, 2, 11));
    await checkBase(subject, 'b');
    await checkCacheKey(backend, subject, key, [1, 2]);

    functionRuns.mockClear();
    await method(1, 2, 3);
    expect(functionRuns).toHaveBeenCalledTimes(1);
    functionRuns.mockClear();
    await method(1, 2, 3);
    expect(functionRuns).not.toHaveBeenCalled();

    await method.invalidateCacheByTags(undefined, undefined, undefined, 3);
    await method(1, 2, 3);
    expect(functionRuns).toHaveBeenCalledTimes(1);
    functionRuns.mockClear();

    await method.invalidateCacheByPrefix(undefined, 2);
    await method(1, 2, 3);
    expect(functionRuns).toHaveBeenCalledTimes(1);
    functionRuns.mockClear();

    await method.invalidateCacheByKey(1, 2, 3);
    await method(1, 2, 3);
    expect(functionRuns).toHaveBeenCalledTimes(1);
  });

  // Our difference (SPEC section 10): Python raises a ValueError for a parameter the prefix needs; ours
  // is a CacheKeyError naming it, and nothing is invalidated.
  it('test_static_method_default_key (our rule): a forgotten parameter of the prefix is a CacheKeyError', async () => {
    const method = view(User.staticMethodDefaultKey);
    await method(1, 2, 3);
    functionRuns.mockClear();
    await expect(method.invalidateCacheByPrefix(1)).rejects.toThrow(CacheKeyError);
    await expect(method.invalidateCacheByPrefix(1)).rejects.toThrow(/"b"/);
    await method(1, 2, 3);
    expect(functionRuns).not.toHaveBeenCalled();
  });
});
