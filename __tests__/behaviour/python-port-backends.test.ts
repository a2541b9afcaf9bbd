// Port of the live-backend classes of the Python package's tests (tests_basic.py LiveRedisTest,
// LiveMemcachedTest, LivePyLibMCTest, LivePyMemcachedTest; tests_cache_clients.py
// RedisCacheInstanceTest): they re-run ClassCachedDecoratorTest on real servers. Here a
// representative set of those scenarios runs on RedisCache and on MemcachedCache (two servers).
import { cached, cachedMethod, cachedProperty, caches, createCacheKey, invalidateCacheKey, invalidateCachePrefix } from '../../lib';
import type { CacheInstance, CachedMember } from '../../lib';
import { describeOnBackends } from '../helpers/backends-under-test';
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
  type Subject,
} from './python-port-support';

class User {
  constructor(readonly id: number) {}

  async instanceMethodPrefixed(a: unknown, b: unknown, c: unknown = 15): Promise<string> {
    return testResult(a, b, c);
  }

  get friendsCount(): Promise<number> {
    functionRuns();
    return Promise.resolve(15);
  }

  static async staticMethodDefaultKey(a: unknown, b: unknown, c: unknown = 11): Promise<string> {
    return testResult(a, b, c);
  }
}

cachedMethod(User, 'instanceMethodPrefixed', { prefix: 'USER:{this.id}', timeout: 3600, cacheKey: 'p1:{a}:{b}:{c}', tags: ['{this.id}:tag1'] });
const friendsCount = cachedProperty(User, 'friendsCount', { cacheKey: '{this.id}:friends_count', timeout: 100, prefix: 'USER_PROPERTY' });
cachedMethod(User, 'staticMethodDefaultKey', { static: true, tags: ['ttt:{c}'], prefix: 'ppp:{b}' });

const secondFunc = cached(async (a: unknown, b: unknown, c: unknown = 100) => testResult(a, b, c), {
  cacheKey: 'second:{c}',
  timeout: 450,
  tags: ['{a}'],
});
const ordinalFunc = cached(
  async function ordinalFunc({ a, b }: { a: unknown; b: unknown }) {
    return testResult('a', a, 'b', b);
  },
  { cacheKey: ['a', 'b'], prefix: 'пользователь' },
);

type Method = (a: unknown, b: unknown, c?: unknown) => Promise<string>;
const view = (method: Method): CachedMember<Method> => method as unknown as CachedMember<Method>;

/** The scenarios of ClassCachedDecoratorTest that exercise the backend most, on the backend `inner()` gives. */
function describePythonSuiteOn(inner: () => CacheInstance): void {
  let backend: RecordingBackend;
  let user: User;

  beforeEach(async () => {
    backend = new RecordingBackend(inner());
    caches.setDefault(backend);
    user = new User(Math.floor(Math.random() * 1e9));
    functionRuns.mockClear();
  });

  afterEach(async () => {
    await backend.clear();
  });

  // test_method_prefixed
  it('test_method_prefixed', async () => {
    const subject = subjectOf(view(user.instanceMethodPrefixed));
    const key = createCacheKey('USER', user.id, 'p1', 1, 2, 3);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, [1, 2, 3]);
    checkTimeout(backend, key, 3600);
    await checkCachePrefix(backend, subject, ['USER', user.id], [1, 2, 3]);
    await checkTags(backend, subject, [[user.id, 'tag1']], [1, 2, 3]);
  });

  // test_property_friends_count
  it('test_property_friends_count', async () => {
    const subject: Subject = {
      call: () => user.friendsCount,
      invalidateCacheByKey: () => friendsCount.invalidateCacheByKey(user),
      invalidateCacheByTags: (tags) => friendsCount.invalidateCacheByTags(tags, user),
      invalidateCacheByPrefix: () => friendsCount.invalidateCacheByPrefix(user),
      getCacheKey: () => friendsCount.getCacheKey(user),
    };
    const key = createCacheKey('USER_PROPERTY', user.id, 'friends_count');
    await checkCacheKey(backend, subject, key, []);
    checkTimeout(backend, key, 100);
    await checkCachePrefix(backend, subject, ['USER_PROPERTY'], [], () => []);
  });

  // test_second_func (a unique tag value per run keeps runs on a shared server apart)
  it('test_second_func', async () => {
    const subject = subjectOf(secondFunc);
    const key = createCacheKey('second', 100);
    await checkBase(subject, 'c');
    await checkCacheKey(backend, subject, key, [1, 2, 100]);
    checkTimeout(backend, key, 450);
    await checkTags(backend, subject, [[`yyy-${user.id}`]], [`yyy-${user.id}`, 111]);
  });

  // test_static_method_default_key (partial invalidation)
  it('test_static_method_default_key', async () => {
    const method = view(User.staticMethodDefaultKey);
    const expectRuns = async (runs: number): Promise<void> => {
      await method(user.id, 2, 3);
      expect(functionRuns).toHaveBeenCalledTimes(runs);
    };
    await expectRuns(1);
    await expectRuns(1);
    await method.invalidateCacheByTags(undefined, undefined, undefined, 3);
    await expectRuns(2);
    await method.invalidateCacheByPrefix(undefined, 2);
    await expectRuns(3);
    await method.invalidateCacheByKey(user.id, 2, 3);
    await expectRuns(4);
    await expectRuns(4);
  });

  // test_invalidators
  it('test_invalidators', async () => {
    const [a, b] = [`a${user.id}`, 'b'];
    const expectRuns = async (runs: number): Promise<void> => {
      await expect(ordinalFunc({ a, b })).resolves.toBe(`a:${a}:b:${b}`);
      expect(functionRuns).toHaveBeenCalledTimes(runs);
    };
    await expectRuns(1);
    await expectRuns(1);
    await invalidateCacheKey(createCacheKey('пользователь', a, b), { cacheInstance: backend });
    await expectRuns(2);
    await invalidateCachePrefix('пользователь');
    await expectRuns(3);
    await ordinalFunc.invalidateCacheByKey({ a, b });
    await expectRuns(4);
    await expectRuns(4);
  });
}

// LiveRedisTest and RedisCacheInstanceTest; LiveMemcachedTest, LivePyLibMCTest and LivePyMemcachedTest
describeOnBackends(
  'Python ClassCachedDecoratorTest on %s',
  ['redis', 'memcached'],
  { label: 'python-port', passClient: true, memcachedServers: 'all' },
  (under) => describePythonSuiteOn(() => under().backend),
);
