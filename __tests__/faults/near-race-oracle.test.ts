/**
 * The judge of the near cache race across processes (helpers/near-race-oracle.ts) on logs made by
 * hand: which reads are fresh, stale within the push window, excused, or a violation.
 * Item 0 goes from version 1 to 2 by invalidation 1 (sent at 100, resolved at 101); the reader
 * had the marker after it at 105.
 */
import { judgeNearRace, distribution } from '../helpers/near-race-oracle';
import type { NearRaceLogs } from '../helpers/near-race-rig';
import type { Flavour, ReadLog } from '../helpers/near-race-worker';

/** One invalidation of `flavour`, one reader with `reads`; computation `w:1` computed version 1 and stored at `storedAt`. */
function logs(flavour: Flavour, reads: ReadLog[], storedAt = 50): NearRaceLogs {
  return {
    rounds: 1,
    invalidations: [{ n: 1, id: 0, version: 2, flavour, ok: true, sentAt: 100, resolvedAt: 101, markedAt: 102 }],
    readers: [
      {
        pid: 7,
        deaf: false,
        reads,
        computations: [
          { by: 'w:1', version: 1, storedAt },
          { by: 'w:2', version: 2, storedAt: 103 },
        ],
        markers: [
          [1, 105],
          [2, 110],
        ],
        errors: 0,
        bypassed: 0,
      },
    ],
  };
}

const cases: Array<[string, Flavour, ReadLog, number, 'fresh' | 'stale' | 'crossed' | 'violation']> = [
  ['an old version read before the invalidation (tag) resolved', 'tag', [0, 1, 'w:1', 100.5, 1], 50, 'fresh'],
  ['the new version, any time (tag)', 'tag', [0, 2, 'w:2', 200, 0], 50, 'fresh'],
  ['an old version after it (tag) resolved, before the push', 'tag', [0, 1, 'w:1', 103, 1], 50, 'stale'],
  ['an old version after the push (tag)', 'tag', [0, 1, 'w:1', 106, 1], 50, 'violation'],
  ['an old version after the push (prefix), even stored late', 'prefix', [0, 1, 'w:1', 106, 0], 104, 'violation'],
  ['an old version after the push (key), stored before the invalidation', 'key', [0, 1, 'w:1', 106, 0], 50, 'violation'],
  ['an old version after the push (key), stored after it was sent', 'key', [0, 1, 'w:1', 106, 0], 104, 'crossed'],
  ['an old version after the push (raw SET), stored after it was sent', 'raw-set', [0, 1, 'w:1', 106, 0], 104, 'crossed'],
  ['another item\'s value (tag)', 'tag', [-1, 2, 'w:2', 106, 0], 50, 'violation'],
];

describe('the judge of the near cache race across processes', () => {
  it.each(cases)('%s', (_, flavour, read, storedAt, expected) => {
    const [reader] = judgeNearRace(logs(flavour, [read], storedAt)).readers;
    const found = reader?.violations.length ? 'violation' : reader?.crossed.length ? 'crossed' : reader?.stale.length ? 'stale' : 'fresh';
    expect(found).toBe(expected);
  });

  it('reports the lag of a stale read from the invalidation resolving, and the push delays', () => {
    const verdict = judgeNearRace(logs('tag', [[0, 1, 'w:1', 104, 1]]));
    expect(verdict.readers[0]?.stale).toEqual([{ item: 0, version: 1, lagMs: 3, near: true, flavour: 'tag' }]);
    expect(verdict.pushDelaysMs).toEqual([3]);
    expect(verdict.windowsMs).toEqual([4]);
    expect(verdict.invalidated).toEqual({ key: 0, tag: 1, prefix: 0, 'raw-del': 0, 'raw-set': 0, failed: 0 });
  });

  it('bounds a push by a later marker when its own was lost', () => {
    const lost = logs('tag', [[0, 1, 'w:1', 107, 1]]);
    lost.readers[0]?.markers.shift();
    expect(judgeNearRace(lost).readers[0]?.stale).toHaveLength(1);
    const after = logs('tag', [[0, 1, 'w:1', 111, 1]]);
    after.readers[0]?.markers.shift();
    expect(judgeNearRace(after).readers[0]?.violations).toHaveLength(1);
  });

  it('summarises sorted values', () => {
    expect(distribution([])).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(distribution(values)).toEqual({ count: 100, p50: 51, p90: 91, p99: 100, max: 100 });
  });
});
