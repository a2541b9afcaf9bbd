/**
 * Tag versions in the hard cases, on every backend (the Redis Cluster included): two invalidations
 * (hard or soft) in the same millisecond, a tag key evicted (deleted), and first writers racing to
 * create a tag while it is being invalidated (by this process or by another one, which no
 * in-process fence can see).
 */
import { cached, expireCacheTags, invalidateCacheTags, type BackendTimeout, type CacheInstance } from '../../lib';
import { isEntry } from '../../lib/tags/entry';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { deferred } from '../helpers/deferred';
import { FAULT_BACKEND_SETTINGS } from './fault-kit';

/** `inner` with a hook that runs before each `add` and a record of every hard (`written`) and soft (`softWritten`) tag version written by `set`/`setMany`. */
function hooked(inner: CacheInstance, beforeAdd: (key: string) => Promise<void> = async () => undefined) {
  const written: string[] = [];
  const softWritten: string[] = [];
  const record = (key: string, value: unknown): void => {
    if (key.startsWith('tag:')) written.push(String(value));
    if (key.startsWith('tag-soft:')) softWritten.push(String(value));
  };
  const backend: CacheInstance = {
    backendTimeoutMs: 5000,
    get: (key) => inner.get(key),
    getMany: (keys) => inner.getMany(keys),
    add: async (key, value, timeout?: BackendTimeout) => {
      await beforeAdd(key);
      return inner.add(key, value, timeout);
    },
    set: (key, value, timeout) => {
      record(key, value);
      return inner.set(key, value, timeout);
    },
    setMany: (entries, timeout) => {
      for (const [key, value] of entries) record(key, value);
      return inner.setMany(entries, timeout);
    },
    delete: (key) => inner.delete(key),
  };
  return { backend, written, softWritten };
}

let space = 0;
/** A tag name of its own for each test, so tests sharing a server never share tags. */
const freshTag = () => `tv${process.pid}-${++space}-${Math.random().toString(36).slice(2, 6)}`;

/** A cached function tagged `tag` whose first run pauses (after `computing`) until `release`; it returns its run count. */
function pausedOnce(backend: CacheInstance, tag: string) {
  const computing = deferred();
  const release = deferred();
  let runs = 0;
  const get = cached(
    async () => {
      runs += 1;
      if (runs === 1) {
        computing.resolve();
        await release.promise;
      }
      return runs;
    },
    { cacheKey: `k-${tag}`, tags: [tag], cacheInstance: backend, onError: () => undefined },
  );
  return { get, computing, release };
}

describeOnBackends('tag versions on %s', ALL_BACKENDS, FAULT_BACKEND_SETTINGS, (under) => {
  const counter = (backend: CacheInstance, tag: string, key = `k-${tag}`) => {
    const state = { runs: 0 };
    const get = cached(async () => ++state.runs, { cacheKey: key, tags: [tag], cacheInstance: backend, onError: () => undefined });
    return { get, state };
  };

  // Without grace a soft-expired entry is a miss too: each change that counts makes the next call run the function.
  it.each([
    ['invalidations', 'hard', invalidateCacheTags],
    ['soft expirations', 'soft', expireCacheTags],
  ] as const)('gives two %s in the same millisecond different %s versions, and the second one still counts', async (_changes, mode, change) => {
    const tag = freshTag();
    const { backend, written, softWritten } = hooked(under().backend);
    const { get, state } = counter(backend, tag);
    await get();
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
    try {
      await change(tag, { cacheInstance: backend });
      expect(await get()).toBe(2);
      await change(tag, { cacheInstance: backend });
      await Promise.all(Array.from({ length: 20 }, () => change(tag, { cacheInstance: backend })));
    } finally {
      now.mockRestore();
    }
    expect(new Set(mode === 'hard' ? written : softWritten).size).toBe(22);
    expect(await get()).toBe(3);
    expect(state.runs).toBe(3);
  });

  it('makes every entry carrying a tag miss once the tag key is evicted (deleted), then caches again', async () => {
    const tag = freshTag();
    const first = counter(under().backend, tag, `a-${tag}`);
    const second = counter(under().backend, tag, `b-${tag}`);
    await first.get();
    await second.get();
    expect(await under().backend.delete(`tag:${tag}`)).toBe(true);
    expect(await first.get()).toBe(2);
    expect(await second.get()).toBe(2);
    expect(await first.get()).toBe(2);
    expect(await second.get()).toBe(2);
  });

  it('lets two first writers of a new tag agree on one version (neither overwrites the other)', async () => {
    const tag = freshTag();
    const gate = deferred();
    let adds = 0;
    const { backend } = hooked(under().backend, async (key) => {
      if (key !== `tag:${tag}`) return;
      adds += 1;
      // Both writers found the tag missing; both try to create it at the same moment.
      if (adds === 2) gate.resolve();
      await gate.promise;
    });
    const first = counter(backend, tag, `a-${tag}`);
    const second = counter(backend, tag, `b-${tag}`);
    await Promise.all([first.get(), second.get()]);
    expect(adds).toBe(2);
    const stored = await under().backend.get(`tag:${tag}`);
    for (const key of [`a-${tag}`, `b-${tag}`]) {
      const entry = await under().backend.get(key);
      expect(isEntry(entry) && entry.t?.[`tag:${tag}`]).toBe(stored);
    }
    expect(await first.get()).toBe(1);
    expect(await second.get()).toBe(1);
  });

  it('uses the version another process wrote between "tag missing" and "add": the value computed after it is valid', async () => {
    const tag = freshTag();
    const { backend } = hooked(under().backend, async (key) => {
      if (key === `tag:${tag}`) await under().backend.set(key, 'version-of-another-process', null);
    });
    const { get, state } = counter(backend, tag);
    expect(await get()).toBe(1);
    expect(await get()).toBe(1);
    expect(state.runs).toBe(1);
  });

  it('hides no invalidation by another process that lands after the tag is created, while the value is computed', async () => {
    const tag = freshTag();
    const { get, computing, release } = pausedOnce(under().backend, tag);
    const call = get();
    await computing.promise;
    // Another process invalidates: a new version, written straight to the store (no fence here sees it).
    await under().backend.set(`tag:${tag}`, 'new-version-from-elsewhere', null);
    release.resolve();
    expect(await call).toBe(1);
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
  });

  it('does not store a value computed while this process invalidated the tag (the flight is fenced)', async () => {
    const tag = freshTag();
    const { get, computing, release } = pausedOnce(under().backend, tag);
    const call = get();
    await computing.promise;
    await get.invalidateCacheByTags();
    const joined = get();
    release.resolve();
    expect(await call).toBe(1);
    // A call that started after the invalidation never joins the older computation.
    expect(await joined).toBe(2);
    expect(await get()).toBe(2);
  });
});
