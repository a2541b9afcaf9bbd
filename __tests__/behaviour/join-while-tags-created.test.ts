/**
 * SPEC 7 (one computation per key in a process) and 11.9 (a miss joins only a computation that
 * read the same tag versions) on every backend. A first miss creates its missing tag versions with
 * set-if-absent; a second miss of the key may read those versions before the first one has heard
 * back from its own writes (on a remote backend, over another pooled connection). That second miss
 * read what the flight will carry, so it joins the flight instead of fencing it and running the
 * function again; a version written elsewhere in between still makes it compute afresh, and the
 * older value is not stored.
 */
import { cached, TAG_KEY_PREFIX, type CacheInstance } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { deferred, settle, waitFor, type Deferred } from '../helpers/deferred';
import { freshNamespace } from './suites/backend-factory';
import { observe, STALE_SETTINGS } from './stale/stale-support';

/** `inner`, whose `add`s reach the server at once but answer only when `replies` resolves; `added` counts those that reached it. */
function holdingAddReplies(inner: CacheInstance, replies: Deferred<void>): CacheInstance & { added: number } {
  const held = {
    added: 0,
    inProcess: inner.inProcess,
    backendTimeoutMs: inner.backendTimeoutMs,
    get: (key: string) => inner.get(key),
    getMany: (keys: readonly string[]) => inner.getMany(keys),
    set: (key: string, value: unknown, timeout?: Parameters<CacheInstance['set']>[2]) => inner.set(key, value, timeout),
    setMany: (entries: ReadonlyMap<string, unknown>, timeout?: Parameters<CacheInstance['setMany']>[1]) => inner.setMany(entries, timeout),
    delete: (key: string) => inner.delete(key),
    add: async (key: string, value: unknown, timeout?: Parameters<CacheInstance['add']>[2]) => {
      const stored = await inner.add(key, value, timeout);
      held.added += 1;
      await replies.promise;
      return stored;
    },
  };
  return held;
}

describeOnBackends('a miss while the first one creates its tags, on %s', ALL_BACKENDS, STALE_SETTINGS, (under, name) => {
  function bookOf(backend: CacheInstance) {
    const ns = freshNamespace();
    const observer = observe();
    const source = { runs: 0 };
    const get = cached(async (id: number) => `run${++source.runs}:${id}`, {
      cacheKey: `${ns}:book:{id}`,
      tags: [`${ns}:book:{id}`],
      cacheInstance: backend,
      ...observer.hooks,
    });
    const misses = (): number => observer.events.filter((event) => event.type === 'miss').length;
    return { get, source, misses, tagKey: `${TAG_KEY_PREFIX}${ns}:book:7` };
  }

  it('reads the versions the flight is creating: it joins the flight, and the function runs once', async () => {
    const replies = deferred();
    const backend = holdingAddReplies(under().backend, replies);
    const { get, source, misses } = bookOf(backend);
    try {
      const first = get(7);
      // Both versions of the tag (hard and soft) are stored; the first miss has not heard so yet.
      await waitFor(() => backend.added === 2, 0);
      const second = get(7);
      await waitFor(() => misses() === 2, 0);
      await settle(10);
      // The function runs once the versions are known: nothing ran, the second miss waits for them too.
      expect(source.runs).toBe(0);
      replies.resolve();
      expect(await Promise.all([first, second])).toEqual(['run1:7', 'run1:7']);
      expect(await get(7)).toBe('run1:7');
      expect(source.runs).toBe(1);
    } finally {
      replies.resolve();
    }
  });

  // Only a remote backend has an elsewhere; in process, an invalidation lets go of the flight itself.
  if (name === 'memory') return;
  it('reads a version written elsewhere meanwhile: it computes afresh, and only its value is stored', async () => {
    const replies = deferred();
    const backend = holdingAddReplies(under().backend, replies);
    const { get, source, misses, tagKey } = bookOf(backend);
    try {
      const first = get(7);
      await waitFor(() => backend.added === 2, 0);
      // Another process invalidates the tag after the first miss created it.
      await under().backend.set(tagKey, 'a version written elsewhere', null);
      const second = get(7);
      await waitFor(() => misses() === 2, 0);
      replies.resolve();
      expect(await Promise.all([first, second])).toEqual(['run1:7', 'run2:7']);
      expect(await get(7)).toBe('run2:7');
      expect(source.runs).toBe(2);
    } finally {
      replies.resolve();
    }
  });
});
