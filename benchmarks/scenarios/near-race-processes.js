/**
 * The race oracle across processes with near caches: two reader processes call a tagged cached
 * function through a RedisCache with `nearCache` (8 loops each) while a writer process bumps
 * items' versions on the server and invalidates them in turn by key, tag, prefix, raw DEL and raw
 * SET of the entry, each followed by a marker key whose push bounds the invalidation's push. The
 * test `__tests__/faults/near-race-processes.test.ts` runs the same rig and asserts the rule (no
 * read after its process had the push returns the older value); this reports the distributions:
 * how long after the invalidation resolved the stale reads started, and the push delays. Its
 * processes run under ts-node and load `lib/`, also with `--dist`.
 */
import { loadTestHelper } from '../lib/load-library.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 400 : 1500;

const ms = (value) => value.toFixed(3);

export default {
  id: 'near-race-processes',
  title: 'Race oracle across processes with near caches (stale reads and push delays)',
  measures: `2 reader processes × 8 loops through a RedisCache with nearCache, a writer process making ${ROUNDS} invalidations (key, tag, prefix, raw DEL, raw SET in turn, 3 ms apart, 4 items); milliseconds from the invalidation resolving in the writer, on the host's one clock (performance.timeOrigin + performance.now()).`,
  backend: 'redis',
  custom: true,
  table: (rows) => [
    ['measure', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'note'],
    rows.map((row) => (row.error ? [row.label, 'error', '', '', '', '', row.error] : [row.label, String(row.count), ms(row.p50), ms(row.p90), ms(row.p99), ms(row.max), row.note ?? ''])),
  ],
  async measure(env) {
    const { runNearRace } = loadTestHelper('near-race-rig');
    const { judgeNearRace, distribution } = loadTestHelper('near-race-oracle');
    try {
      const logs = await runNearRace({ address: `127.0.0.1:${env.redisPort}`, prefix: `${env.prefix ?? ''}near-race-processes`, readers: 2, deafReaders: 0, loops: 8, ids: 4, rounds: ROUNDS, pauseMs: 3 });
      const verdict = judgeNearRace(logs);
      const sum = (pick) => verdict.readers.reduce((total, reader) => total + pick(reader), 0);
      const stale = verdict.readers.flatMap((reader) => reader.stale);
      const crossed = verdict.readers.flatMap((reader) => reader.crossed);
      const lags = (reads) => reads.map((read) => read.lagMs).sort((a, b) => a - b);
      const landed = Object.entries(verdict.invalidated).filter(([flavour]) => flavour !== 'failed').reduce((total, [, count]) => total + count, 0);
      const summary = `${sum((r) => r.reads)} reads (${sum((r) => r.nearHits)} near hits), ${landed} invalidations (${verdict.invalidated.failed} failed), ${sum((r) => r.violations.length)} violations, ${sum((r) => r.bypassed)} link drops`;
      return [
        { label: 'stale read: started after the invalidation resolved, before the push', ...distribution(lags(stale)), note: `${stale.filter((read) => read.near).length} from the near cache; ${summary}` },
        { label: 'window: invalidation resolved → push of the marker after it arrived', ...distribution(verdict.windowsMs), note: 'per reader and invalidation; bounds the invalidation\'s own push' },
        { label: 'push delay: a SET resolving in the writer → a reader\'s near cache dropping it', ...distribution(verdict.pushDelaysMs), note: '0 when the push came before the writer had its reply' },
        { label: 'stale read excused: a computation crossed a key invalidation', ...distribution(lags(crossed)), note: `${new Set(crossed.map((read) => `${read.item}:${read.version}`)).size} crossings: an older value stored after the DEL/SET (a key invalidation carries no version)` },
      ];
    } catch (error) {
      return [{ label: 'near race across processes', error: error.message }];
    }
  },
};
