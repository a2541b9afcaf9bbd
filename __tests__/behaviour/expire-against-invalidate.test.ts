/**
 * A soft key invalidation (an expire) that meets a hard one never brings back what the hard one
 * removed (SPEC 11.2: hard-invalidated entries are never served again, not even as a fallback),
 * on every backend. An expire reads the entry and writes it back marked stale; a hard
 * invalidation landing between the two must win.
 */
import { cached, NOT_FOUND } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';

let serial = 0;

describeOnBackends('an expire meeting a hard key invalidation on %s', ALL_BACKENDS, { label: 'expire-hard' }, (under) => {
  it('never writes back the entry the hard invalidation removed', async () => {
    const { backend } = under();
    const n = `${process.pid}-${++serial}`;
    let version = 0;
    let failing = false;
    const fn = cached(
      async (id: number) => {
        if (failing) throw new Error('source down');
        return { id, version };
      },
      { cacheKey: `eh-${n}:{id}`, timeout: 60, grace: 600, cacheInstance: backend, onError: () => undefined },
    );
    const raced: number[] = [];
    for (let round = 0; round < 20; round++) {
      version = round;
      await fn.invalidateCacheByKey(1);
      await fn(1);
      expect(await backend.get(`eh-${n}:1`)).not.toBe(NOT_FOUND);
      // Both start in the same tick: the expire's read leaves first, the delete right after it.
      await Promise.all([fn.expireCacheByKey(1), fn.invalidateCacheByKey(1)]);
      if ((await backend.get(`eh-${n}:1`)) !== NOT_FOUND) raced.push(round);
    }
    expect(raced).toEqual([]);
    // What a user sees: with the source down, nothing is left to fall back on.
    failing = true;
    await expect(fn(1)).rejects.toThrow('source down');
  });
});
