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
import { HIT_IDS } from './lib/kit.js';
import { baselineRef, loadBaseline } from './lib/baseline.js';
import { loadEasyCache } from './lib/load-library.js';
import { makeUser, TTL_SECONDS } from './lib/libraries.js';
import { BACKOFF_SECONDS, GRACE_SECONDS, makeHeldLoader } from './lib/stale-kit.js';

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
  return { run: (i) => get(HIT_IDS[i & 63]), extraCalls: () => loader.calls - callsBefore, close: () => loader.release() };
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

/** CPU nanoseconds per operation of `ops` sequential awaited calls of `run`. */
async function cpuPerOp(run, ops) {
  const start = process.cpuUsage();
  for (let i = 0; i < ops; i++) await run(i);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / ops;
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main() {
  const map = new Map(HIT_IDS.map((id) => ['user:' + id, makeUser(id)]));
  const rows = [{ label: 'Map.get in an async function', run: async (i) => map.get('user:' + HIT_IDS[i & 63]) }];
  rows.push(...(await rowsOf('easy-cache', loadEasyCache().core)));
  const ref = baselineRef(argv);
  if (ref !== undefined) {
    const baseline = loadBaseline(ref);
    rows.push(...(await rowsOf(`easy-cache @ ${baseline.label}`, baseline.core)));
  }
  for (const row of rows) {
    await cpuPerOp(row.run, OPS);
    row.samples = [];
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(k + round) % rows.length];
      row.samples.push(await cpuPerOp(row.run, OPS));
    }
  }
  const limit = median(rows[0].samples);
  console.log(`CPU time per call, median of ${ROUNDS} rounds of ${OPS} calls (Node ${process.version})\n`);
  console.log('| row | CPU ns/op | × Map.get | note |\n| --- | --- | --- | --- |');
  for (const row of rows) {
    const ns = median(row.samples);
    const note = row.extraCalls?.() ? `the function ran ${row.extraCalls()} times during timing` : '';
    console.log(`| ${row.label} | ${ns.toFixed(0)} | ${(ns / limit).toFixed(2)}× | ${note} |`);
    row.close?.();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
