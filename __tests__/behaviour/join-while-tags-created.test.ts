/**
 * SPEC 7 (one computation per key in a process) and 11.9 (a miss joins only a computation that
 * read the same tag versions) on every backend. A first miss creates its missing tag versions with
 * set-if-absent; a second miss of the key may read those versions before the first one has heard
 * back from its own writes (on a remote backend, over another pooled connection). That second miss
 * read what the flight will carry, so it joins the flight instead of fencing it and running the
 * function again; a version written elsewhere in between still makes it compute afresh, and the
 * older value is not stored.
 */
import { cached, TAG_KEY_PREFIX, type BackendTimeout } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { CountingBackend } from '../helpers/counting-backend';
import { deferred, settle, waitFor } from '../helpers/deferred';
import { freshNamespace } from './suites/backend-factory';
import { observe, STALE_SETTINGS } from './stale/stale-support';

/** A real backend whose `add`s reach the server at once but answer only once `release()` is called. */
class HoldingAddReplies extends CountingBackend {
  readonly #replies = deferred();

  override async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    const stored = await super.add(key, value, timeout);
    await this.#replies.promise;
    return stored;
  }

  release(): void {
    this.#replies.resolve();
  }
}

describeOnBackends('a miss while the first one creates its tags, on %s', ALL_BACKENDS, STALE_SETTINGS, (under, name) => {
  /** A tagged function whose first miss of key 7 has stored both versions of its new tag (hard and soft) but not heard so yet. */
  async function firstMissCreatingTags() {
    const ns = freshNamespace();
    const observer = observe();
    const backend = new HoldingAddReplies(under().backend);
    const source = { runs: 0 };
    const get = cached(async (id: number) => `run${++source.runs}:${id}`, {
      cacheKey: `${ns}:book:{id}`,
      tags: [`${ns}:book:{id}`],
      cacheInstance: backend,
      ...observer.hooks,
    });
    const first = get(7);
    await waitFor(() => backend.answered('add') === 2, 0);
    const misses = (): number => observer.events.filter((event) => event.type === 'miss').length;
    return { get, first, source, misses, release: () => backend.release(), tagKey: `${TAG_KEY_PREFIX}${ns}:book:7` };
  }

  it('reads the versions the flight is creating: it joins the flight, and the function runs once', async () => {
    const { get, first, source, misses, release } = await firstMissCreatingTags();
    try {
      const second = get(7);
      await waitFor(() => misses() === 2, 0);
      await settle(10);
      // The function runs once the versions are known: nothing ran, the second miss waits for them too.
      expect(source.runs).toBe(0);
      release();
      expect(await Promise.all([first, second])).toEqual(['run1:7', 'run1:7']);
      expect(await get(7)).toBe('run1:7');
      expect(source.runs).toBe(1);
    } finally {
      release();
    }
  });

  // Only a remote backend has an elsewhere; in process, an invalidation lets go of the flight itself.
  if (name === 'memory') return;
  it('reads a version written elsewhere meanwhile: it computes afresh, and only its value is stored', async () => {
    const { get, first, source, misses, release, tagKey } = await firstMissCreatingTags();
    try {
      // Another process invalidates the tag after the first miss created it.
      await under().backend.set(tagKey, 'a version written elsewhere', null);
      const second = get(7);
      await waitFor(() => misses() === 2, 0);
      release();
      expect(await Promise.all([first, second])).toEqual(['run1:7', 'run2:7']);
      expect(await get(7)).toBe('run2:7');
      expect(source.runs).toBe(2);
    } finally {
      release();
    }
  });
});
