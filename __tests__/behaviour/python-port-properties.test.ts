// Port of the property scenarios of the Python package's tests/tests_basic.py
// (ClassCachedDecoratorTest). Python's `@ecached_property` becomes `cachedProperty(User, 'name',
// options)`: reading the getter on an instance gives a Promise, and the handle's helpers take the
// instance (Python reached them through the class: `User.friends.invalidate_cache_by_key(user)`).
import { cachedProperty, caches, createCacheKey, MemoryCache } from '../../lib';
import type { CachedPropertyHandle } from '../../lib';
import { checkCacheKey, checkCachePrefix, checkTimeout, functionRuns, RecordingBackend, testResult, type Subject } from './python-port-support';

class User {
  readonly id: number;

  constructor(id: number) {
    this.id = id;
  }

  get testProperty(): Promise<string> {
    return Promise.resolve(testResult('property'));
  }

  get friendsCount(): Promise<number> {
    functionRuns();
    return Promise.resolve(15);
  }

  get friends(): Promise<string[]> {
    functionRuns();
    return Promise.resolve(['Ivan', 'Sergey', 'Semen']);
  }

  // A zero-argument async method works too (SPEC section 5).
  async propertyNoTags(): Promise<string> {
    functionRuns();
    return '42';
  }
}

const testProperty = cachedProperty(User, 'testProperty');
const friendsCount = cachedProperty(User, 'friendsCount', { cacheKey: '{this.id}:friends_count', timeout: 100, prefix: 'USER_PROPERTY' });
const friends = cachedProperty(User, 'friends', { cacheKey: '{this.id}:friends', timeout: 666 });
const propertyNoTags = cachedProperty(User, 'propertyNoTags', { cacheKey: 'static_key' });

/** The getter read on `user`, with the handle's helpers bound to `user` (the Python suite's `lambda: getattr(user, name)`). */
function propertySubject<R>(user: User, handle: CachedPropertyHandle<User, R>, read: (user: User) => unknown): Subject {
  return {
    call: async () => read(user),
    invalidateCacheByKey: () => handle.invalidateCacheByKey(user),
    invalidateCacheByTags: (tags) => handle.invalidateCacheByTags(tags, user),
    invalidateCacheByPrefix: () => handle.invalidateCacheByPrefix(user),
    getCacheKey: () => handle.getCacheKey(user),
  };
}

let backend: RecordingBackend;
let user: User;

beforeEach(() => {
  backend = new RecordingBackend(new MemoryCache());
  caches.setDefault(backend);
  user = new User(57);
  functionRuns.mockClear();
});

describe('Python ClassCachedDecoratorTest: cached properties', () => {
  // test_default_cache_key_for_property. Python invalidates with `User.test_property.invalidate_cache_by_key()`;
  // our handle takes an instance, and any instance reaches the shared automatic key.
  it('test_default_cache_key_for_property: automatic key of a getter, shared by instances', async () => {
    await expect(user.testProperty).resolves.toBe('property');
    const key = testProperty.getCacheKey(user);
    expect(key.startsWith('User.testProperty')).toBe(true);
    expect(testProperty.getCacheKey(new User(1))).toBe(key);
    const subject = propertySubject(user, testProperty, (u) => u.testProperty);
    await checkCacheKey(backend, subject, key, [], () => testProperty.invalidateCacheByKey(new User(1)));

    await backend.clear();
    functionRuns.mockClear();
    await expect(user.testProperty).resolves.toBe('property');
    expect(functionRuns.mock.calls).toEqual([['property']]);
    functionRuns.mockClear();
    await expect(user.testProperty).resolves.toBe('property');
    expect(functionRuns).not.toHaveBeenCalled();

    await testProperty.invalidateCacheByKey(user);
    await expect(user.testProperty).resolves.toBe('property');
    expect(functionRuns.mock.calls).toEqual([['property']]);
  });

  // test_property_friends_count
  it('test_property_friends_count: template, timeout and prefix on a getter', async () => {
    await expect(user.friendsCount).resolves.toBe(15);
    const subject = propertySubject(user, friendsCount, (u) => u.friendsCount);
    const key = createCacheKey('USER_PROPERTY', user.id, 'friends_count');
    await checkCacheKey(backend, subject, key, [], () => friendsCount.invalidateCacheByKey(user));
    checkTimeout(backend, key, 100);
    await checkCachePrefix(backend, subject, ['USER_PROPERTY'], [], () => []);
  });

  // test_property_friends
  it('test_property_friends: a list value is a hit until invalidated through the handle', async () => {
    const list = ['Ivan', 'Sergey', 'Semen'];
    await expect(user.friends).resolves.toEqual(list);
    expect(functionRuns).toHaveBeenCalledTimes(1);
    functionRuns.mockClear();

    await expect(user.friends).resolves.toEqual(list);
    expect(functionRuns).not.toHaveBeenCalled();

    await friends.invalidateCacheByKey(user);
    await expect(user.friends).resolves.toEqual(list);
    expect(functionRuns).toHaveBeenCalledTimes(1);

    const subject = propertySubject(user, friends, (u) => u.friends);
    const key = createCacheKey(user.id, 'friends');
    await checkCacheKey(backend, subject, key, [], () => friends.invalidateCacheByKey(user));
    checkTimeout(backend, key, 666);
  });

  // test_property_no_tags (Python invalidates with no instance; ours takes one, unused by the static key)
  it('test_property_no_tags: a static key on a zero-argument method made a getter', async () => {
    await expect(user.propertyNoTags).resolves.toBe('42');
    const subject = propertySubject(user, propertyNoTags, (u) => u.propertyNoTags);
    await checkCacheKey(backend, subject, createCacheKey('static_key'), [], () => propertyNoTags.invalidateCacheByKey(new User(3)));
  });

  // Scope of the key: '{this.id}' keeps two users apart (what Python's `self.id` does).
  it('test_property_friends_count: each instance has its own entry when the key names this.id', async () => {
    const other = new User(58);
    await expect(user.friendsCount).resolves.toBe(15);
    await expect(other.friendsCount).resolves.toBe(15);
    expect(functionRuns).toHaveBeenCalledTimes(2);
    await friendsCount.invalidateCacheByKey(other);
    functionRuns.mockClear();
    await user.friendsCount;
    expect(functionRuns).not.toHaveBeenCalled();
    await other.friendsCount;
    expect(functionRuns).toHaveBeenCalledTimes(1);
  });
});
