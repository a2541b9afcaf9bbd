// Port of the instance-method scenarios of the Python package's tests/tests_basic.py
// (ClassCachedDecoratorTest), written against our public API. Python's `@ecached` on a method
// becomes `cachedMethod(User, 'name', options)`; `self` in templates becomes `this`.
import { cachedMethod, caches, createCacheKey, DEFAULT_TIMEOUT, MemoryCache, metaAccepted } from '../../lib';
import type { CachedMember, Meta } from '../../lib';
import {
  checkBase,
  checkCacheKey,
  checkCachePrefix,
  checkTags,
  checkTimeout,
  functionRuns,
  RecordingBackend,
  subjectOf,
  testResult,
} from './python-port-support';

// Python `choose_timeout(self, a, b, c)`: a*100 seconds for an integer `a`, else the backend's default.
function chooseTimeout(this: User, a: unknown): number | typeof DEFAULT_TIMEOUT {
  return typeof a === 'number' && Number.isInteger(a) ? a * 100 : DEFAULT_TIMEOUT;
}

// Python `custom_cache_key(*args)`: there `args[0]` is `self`; here the scope is `this`.
function customCacheKey(this: User, ...args: unknown[]): string {
  return createCacheKey('my_prefix', this.id, ...args);
}

class User {
  // Python's class attribute `name` (read through the instance by generate_custom_tags).
  readonly label = 'user_name';
  readonly id: number;

  constructor(id: number) {
    this.id = id;
  }

  async instanceDynamicTimeout(a: unknown, b: unknown, c: unknown): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceDefaultCacheKey(a: unknown, b: unknown, c: unknown = 8): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodString(a: unknown, b: unknown, c: unknown = 10): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodList(a: unknown, b: unknown, c: unknown = 11): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodCallable(a: unknown, b: unknown, c: unknown = 12): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodTimeout(a: unknown, b: unknown, c: unknown = 13): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodTags(a: unknown, b: unknown, c: unknown = 14): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodMetaTest(a: unknown, b: unknown, c: unknown = 666): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodCustomTags(a: unknown, b: unknown, c: unknown = 14): Promise<string> {
    return testResult(a, b, c);
  }

  async instanceMethodPrefixed(a: unknown, b: unknown, c: unknown = 15): Promise<string> {
    return testResult(a, b, c);
  }
}

type Method = (a: unknown, b: unknown, c?: unknown) => Promise<string>;
const view = (method: Method): CachedMember<Method> => method as unknown as CachedMember<Method>;

const originalMetaTest = User.prototype.instanceMethodMetaTest;

// Python `generate_custom_tags(meta)`: after the call it checks the returned value, then tags by
// `self.name`, `self.id` and `a`. Python's `meta.args[0]` is `self`; ours are the call's arguments.
const generateCustomTags = metaAccepted((meta: Meta<unknown[], unknown, User>): string[] => {
  if (meta.hasReturnedValue) expect(functionRuns).toHaveBeenLastCalledWith(meta.returnedValue);
  const user = meta.scope as User;
  return [createCacheKey(user.label, user.id, meta.args[0]), 'simple_tag'];
});

// Python `generate_key_based_on_meta(m, a=1)`: marked with meta_accepted although its parameter is not named `meta`.
const generateKeyBasedOnMeta = metaAccepted((m: Meta<unknown[], unknown, User>, a = 1): string => {
  expect(m.function).toBe(originalMetaTest);
  expect(m.scope).toBeInstanceOf(User);
  expect(a).toBe(1);
  return createCacheKey(m.callArgs.a, m.callArgs.b, m.callArgs.c);
});

// Python `prefixed_ecached = partial(ecached, prefix='USER:{self.id}', timeout=3600)`.
const prefixedOptions = { prefix: 'USER:{this.id}', timeout: 3600 } as const;

cachedMethod(User, 'instanceDynamicTimeout', { cacheKey: 'dyn_timeout:{a}', timeout: chooseTimeout });
cachedMethod(User, 'instanceDefaultCacheKey');
cachedMethod(User, 'instanceMethodString', { cacheKey: '{this.id}:{a}:{b}:{c}' });
cachedMethod(User, 'instanceMethodList', { cacheKey: ['this.id', 'a', 'b'] });
cachedMethod(User, 'instanceMethodCallable', { cacheKey: customCacheKey });
cachedMethod(User, 'instanceMethodTimeout', { cacheKey: '{this.id}:{a}:{b}', timeout: 400 });
cachedMethod(User, 'instanceMethodTags', { cacheKey: '{this.id}:{a}:{b}', timeout: 500, tags: ['tag1', 'tag2'] });
cachedMethod(User, 'instanceMethodMetaTest', { cacheKey: generateKeyBasedOnMeta });
cachedMethod(User, 'instanceMethodCustomTags', { cacheKey: '{a}:{b}', tags: generateCustomTags });
const prefixedHandle = cachedMethod(User, 'instanceMethodPrefixed', { ...prefixedOptions, cacheKey: 'p1:{a}:{b}:{c}', tags: ['{this.id}:tag1'] });

let backend: RecordingBackend;
let user: User;

beforeEach(() => {
  backend = new RecordingBackend(new MemoryCache());
  caches.setDefault(backend);
  user = new User(57);
  functionRuns.mockClear();
});

describe('Python ClassCachedDecoratorTest: instance methods', () => {
  // test_default_cache_key (instance part). Python's automatic key is `<module>.User.<name>` plus the
  // arguments; ours is `User.<name>` plus the arguments (format owned by docs/keys.md), defaults filled in.
  it('test_default_cache_key: automatic key of a method, literal default filled in, shared by instances', async () => {
    const subject = subjectOf(view(user.instanceDefaultCacheKey));
    const key = subject.getCacheKey(1, 2);
    expect(key.startsWith('User.instanceDefaultCacheKey:')).toBe(true);
    expect(key).toBe(subject.getCacheKey(1, 2, 8));
    // As in Python, the automatic key leaves the instance out (SPEC section 9).
    expect(view(new User(99).instanceDefaultCacheKey).getCacheKey(1, 2)).toBe(key);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [1, 2]);
    checkTimeout(backend, key, undefined);
  });

  // Deliberate difference: Python renders every argument with str(), so f(1) and f('1') share a key; ours keep them apart.
  it('test_default_cache_key (our difference): automatic keys keep 1 and "1" apart', async () => {
    const method = view(user.instanceDefaultCacheKey);
    expect(method.getCacheKey(1, 2)).not.toBe(method.getCacheKey('1', 2));
    await method(1, 2);
    await method('1', 2);
    expect(functionRuns).toHaveBeenCalledTimes(2);
  });

  // test_cache_key_as_string
  it('test_cache_key_as_string: template with this, parameters and a passed default', async () => {
    const subject = subjectOf(view(user.instanceMethodString));
    const key = createCacheKey(user.id, 1, 2, 3);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [1, 2, 3]);
    checkTimeout(backend, key, undefined);
    expect(await backend.liveKeys()).toEqual([key]);
  });

  // test_cache_key_as_list (Python ['self.id', 'a', 'b'] is ['this.id', 'a', 'b'] here)
  it('test_cache_key_as_list: a list of names is the template of those names', async () => {
    const subject = subjectOf(view(user.instanceMethodList));
    const key = createCacheKey(user.id, 2, 3);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [2, 3]);
    checkTimeout(backend, key, undefined);
  });

  // test_cache_key_as_list_unrelated_param_changed
  it('test_cache_key_as_list_unrelated_param_changed: a parameter outside the key does not change it', async () => {
    const method = view(user.instanceMethodList);
    await expect(method(10, 10, 10)).resolves.toBe('10:10:10');
    expect(functionRuns.mock.calls).toEqual([['10:10:10']]);
    functionRuns.mockClear();
    await expect(method(10, 10, 20)).resolves.toBe('10:10:10');
    expect(functionRuns).not.toHaveBeenCalled();
  });

  // test_cache_key_as_callable
  it('test_cache_key_as_callable: a key function receives the arguments with this = the instance', async () => {
    const subject = subjectOf(view(user.instanceMethodCallable));
    const key = customCacheKey.call(user, 5, 5);
    expect(key).toBe(`my_prefix:${user.id}:5:5`);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [5, 5]);
    checkTimeout(backend, key, undefined);
  });

  // test_not_default_timeout
  it('test_not_default_timeout: the timeout reaches the backend', async () => {
    const subject = subjectOf(view(user.instanceMethodTimeout));
    const key = createCacheKey(user.id, 5, 5);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [5, 5]);
    checkTimeout(backend, key, 400);
  });

  // test_cache_tags
  it('test_cache_tags: static tags are created and each invalidates the entry', async () => {
    const subject = subjectOf(view(user.instanceMethodTags));
    const key = createCacheKey(user.id, 5, 5);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [5, 5]);
    checkTimeout(backend, key, 500);
    await checkTags(backend, subject, [['tag1'], ['tag2']], [6, 7]);
  });

  // test_cache_custom_tags
  it('test_cache_custom_tags: a meta tag function sees the scope, the arguments and the returned value', async () => {
    const subject = subjectOf(view(user.instanceMethodCustomTags));
    await checkCacheKey(backend, subject, createCacheKey(10, 11), [10, 11]);
    await checkTags(backend, subject, [['user_name', user.id, 10], ['simple_tag']], [10, 11]);
  });

  // test_method_prefixed
  it('test_method_prefixed: the prefix starts the key and is a tag', async () => {
    const subject = subjectOf(view(user.instanceMethodPrefixed));
    const key = createCacheKey('USER', user.id, 'p1', 1, 2, 3);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [1, 2, 3]);
    checkTimeout(backend, key, 3600);
    await checkCachePrefix(backend, subject, ['USER', user.id], [1, 2, 3]);
    await checkTags(backend, subject, [[user.id, 'tag1']], [1, 2, 3]);
    // Our handle takes the scope first (SPEC section 9); Python reached the same through `User.<name>(user, ...)`.
    expect(prefixedHandle.getCacheKey(user, 1, 2, 3)).toBe(key);
  });

  // test_instance_method_and_meta_accepted_decorator
  it('test_instance_method_and_meta_accepted_decorator: a metaAccepted key function gets callArgs with defaults', async () => {
    const subject = subjectOf(view(user.instanceMethodMetaTest));
    const key = createCacheKey(1, 2, 5);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [1, 2, 5]);
    checkTimeout(backend, key, undefined);
    expect(await backend.liveKeys()).toEqual([key]);
    expect(subject.getCacheKey(1, 2)).toBe(createCacheKey(1, 2, 666));
  });

  // test_instance_method_dynamic_timeout
  it('test_instance_method_dynamic_timeout: a timeout function of the call', async () => {
    const subject = subjectOf(view(user.instanceDynamicTimeout));
    await checkBase(subject);

    let key = createCacheKey('dyn_timeout', 2);
    await checkCacheKey(backend, subject, key, [2, 3, 4]);
    checkTimeout(backend, key, 200);

    key = createCacheKey('dyn_timeout', 4);
    await checkCacheKey(backend, subject, key, [4, 5, 6]);
    checkTimeout(backend, key, 400);

    // A non-integer `a`: DEFAULT_TIMEOUT, which reaches the backend as undefined (SPEC section 9).
    key = createCacheKey('dyn_timeout', 'x');
    await checkCacheKey(backend, subject, key, ['x', 5, 6]);
    checkTimeout(backend, key, undefined);
  });
});
