/**
 * Memory stale hits measured in CPU time, after `npm run bench` installed the benchmarks' packages:
 * `node benchmarks/stale-hit-cpu.js [--rounds=N] [--ops=N] [--baseline=<git-ref>]`.
 *
 * The `memory-stale-hit` scenario times wall-clock samples in one process with the peers, whose
 * held refreshes grow the heap; on a shared, loaded machine its limit row (`Map.get`) moves by 3×
 * between runs. This program measures only `Map.get` and easy-cache's memory hits (default fresh
 * hit; with `grace, softTimeoutMs: 0, graceBackoff`: fresh, stale with the refresh in flight,
 * stale and backing off; with and without copies), set up as in `lib/stale-kit.js`, each timed by
 * the CPU time of this process (`process.cpuUsage`), so time given to other processes is not
 * counted. Rows are interleaved (a different order each round) and the median of the rounds kept.
 */
import { timeCpuRows } from './lib/cpu-rows.js';
import { HIT_IDS } from './lib/kit.js';
import { baselineRef, loadBaseline } from './lib/baseline.js';
import { loadEasyCache } from './lib/load-library.js';
import { makeUser, TTL_SECONDS } from './lib/libraries.js';
import { BACKOFF_SECONDS, GRACE_SECONDS, makeHeldLoader } from './lib/stale-kit.js';
import { runProgram } from './lib/run-program.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => Number(argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const ROUNDS = option('rounds', 9);
const OPS = option('ops', 200_000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One easy-cache row: `cached(load, ...)` on its own MemoryCache, brought to `state` as the stale scenario does. */
async function easyRow(core, state, copy) {
  const loader = makeHeldLoader();
  const instance = new core.MemoryCache(copy ? undefined : { copy: false });
  const stale = state === 'default' ? {} : { grace: GRACE_SECONDS, softTimeoutMs: 0, graceBackoff: BACKOFF_SECONDS };
  const get = core.cached((id) => loader.load(id), { cacheKey: 'user:{id}', timeout: TTL_SECONDS, ...stale, cacheInstance: instance, onError: () => undefined });
  await Promise.all(HIT_IDS.map((id) => get(id)));
  if (state === 'in-flight' || state === 'backoff') {
    await Promise.all(HIT_IDS.map((id) => get.expireCacheByKey(id)));
    loader.state = state === 'in-flight' ? 'held' : 'failing';
    await Promise.all(HIT_IDS.map((id) => get(id)));
    await sleep(20);
  }
  const callsBefore = loader.calls;
  const note = () => (loader.calls > callsBefore ? `the function ran ${loader.calls - callsBefore} times during timing` : '');
  return { run: (i) => get(HIT_IDS[i & 63]), note, close: () => loader.release() };
}

async function rowsOf(label, core) {
  const rows = [];
  for (const [state, copy] of [
    ['default', true],
    ['fresh', true],
    ['in-flight', true],
    ['backoff', true],
    ['fresh', false],
    ['in-flight', false],
    ['backoff', false],
  ]) {
    const name = state === 'default' ? 'default fresh hit' : `${state === 'fresh' ? 'fresh hit' : state === 'in-flight' ? 'stale hit, refresh in flight' : 'stale hit, backing off'}${copy ? '' : ', copy: false'}`;
    rows.push({ label: `${label}: ${name}`, ...(await easyRow(core, state, copy)) });
  }
  return rows;
}

async function main() {
  const map = new Map(HIT_IDS.map((id) => ['user:' + id, makeUser(id)]));
  const rows = [{ label: 'Map.get in an async function', run: async (i) => map.get('user:' + HIT_IDS[i & 63]) }];
  rows.push(...(await rowsOf('easy-cache', loadEasyCache().core)));
  const ref = baselineRef(argv);
  if (ref !== undefined) {
    const baseline = loadBaseline(ref);
    rows.push(...(await rowsOf(`easy-cache @ ${baseline.label}`, baseline.core)));
  }
  await timeCpuRows(rows, { rounds: ROUNDS, ops: OPS });
  for (const row of rows) row.close?.();
}

runProgram(main);
