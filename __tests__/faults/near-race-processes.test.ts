/**
 * The race oracle across processes with near caches (issue 13, SPEC 11.6): reader processes call
 * a tagged cached function through a `RedisCache` with `nearCache` in loops, while a writer
 * process bumps items' versions on the server and invalidates them by key, by tag, by prefix, and
 * by a raw `DEL` or `SET` of the entry. Every read, computation, invalidation and push arrival is
 * logged with one clock (near-race-worker.ts), then judged (near-race-oracle.ts):
 * - no read that starts after its process had the push of an invalidation returns a version
 *   older than that invalidation's; so every stale read started within the push window, however
 *   long the loaded machine made that window (no time bound is asserted);
 * - a reader whose near cache ignores pushes is caught (the oracle is not blind).
 * The distribution of stale reads and push delays is the `near-race-processes` benchmark's.
 */
import { runNearRace } from '../helpers/near-race-rig';
import { judgeNearRace } from '../helpers/near-race-oracle';
import { describeWithRedis, uniquePrefix } from '../helpers/server-suites';

jest.setTimeout(300_000);

describeWithRedis('race oracle across processes with near caches', (addresses) => {
  it('no read that starts after its process had the push returns the older value; a deaf near cache is caught', async () => {
    const logs = await runNearRace({ address: addresses[0] ?? '', prefix: uniquePrefix('near-race-processes'), readers: 2, deafReaders: 1, loops: 8, ids: 4, rounds: 150, pauseMs: 3 });
    const verdict = judgeNearRace(logs);
    const honest = verdict.readers.filter((reader) => !reader.deaf);
    const deaf = verdict.readers.filter((reader) => reader.deaf);

    for (const reader of honest) {
      expect(reader.violations.slice(0, 5)).toEqual([]);
      // The run exercised the near cache: many calls, most answered from memory.
      expect(reader.reads).toBeGreaterThan(300);
      expect(reader.nearHits).toBeGreaterThan(100);
    }
    // Ignoring pushes serves old values long after the push came: the oracle sees it.
    expect(deaf.every((reader) => reader.violations.length > 0)).toBe(true);
    // Every way of invalidating ran, and the honest readers timed their pushes.
    for (const count of [verdict.invalidated.key, verdict.invalidated.tag, verdict.invalidated.prefix, verdict.invalidated['raw-del'], verdict.invalidated['raw-set']]) {
      expect(count).toBeGreaterThan(10);
    }
    expect(verdict.windowsMs.length).toBeGreaterThan(100);
  });
});
