/**
 * The Redis stale hit against a raw `GET`, paired (issue 12: "a stale hit costs what a fresh hit
 * costs, Redis ≤ 1.05× a raw GET"): `npm run bench:paired-redis-stale` or
 * `node benchmarks/paired-redis-stale.js [--quick] [--rounds=N] [--sample-ms=N] [--clock=cpu] [--dist]
 * [--baseline=<git-ref>] [--without-peers]` (with a baseline, easy-cache's stale rows have their
 * twins on that commit's lib/; without peers, bentocache and cachified are not built, so nothing of
 * theirs shares the process).
 *
 * The contenders of the `redis-stale-hit` scenario (benchmarks/lib/stale-kit.js) on a Redis of its
 * own: raw ioredis `GET`, the decode floor (a raw `GET` of a stale entry's bytes and one
 * `JSON.parse`), easy-cache's fresh hit, easy-cache's stale hit with its refresh in flight and
 * backing off, and the peers. In `npm run bench` every contender is sampled nine times in turn and
 * the medians are compared, so load that comes and goes between two samples moves a ratio by
 * 10 % and more on the shared 2-core machine. Here every contender is timed once per round, back
 * to back, in an order that changes every round, on wall time by default (the round trip is what a caller
 * waits for); the figure is the median of the per-round ratios, with a bootstrap 95 % interval.
 */
import { cpus } from 'node:os';
import { baselineRef, loadBaseline } from './lib/baseline.js';
import { HIT_IDS } from './lib/kit.js';
import { loadEasyCache, loadRootClients, loadServerHarness, useDist } from './lib/load-library.js';
import { median } from './lib/measure.js';
import { describePlan, measurePaired, PAIRED_PLAN } from './lib/paired-measure.js';
import { formatRatio, pairedRatio } from './lib/paired-stats.js';
import { formatTime, markdownTable } from './lib/report.js';
import { staleContenders } from './lib/stale-kit.js';
import { runProgram } from './lib/run-program.js';

const argv = process.argv.slice(2);
/** Wall time unless `--clock=cpu`: CPU time would leave out the round trip the target is about. */
const plan = { ...PAIRED_PLAN, clock: argv.includes('--clock=cpu') ? 'cpu' : 'wall' };

async function main() {
  const harness = loadServerHarness();
  const server = await harness.startRedis();
  const ref = baselineRef(argv);
  const baselineLib = ref === undefined ? undefined : loadBaseline(ref, { dist: useDist() });
  const env = { lib: loadEasyCache(), clients: loadRootClients(), redisPort: server.port, prefix: 'paired:', idBase: 0, dist: useDist(), withoutPeers: argv.includes('--without-peers'), ...(baselineLib ? { baselineLib } : {}) };
  const all = await staleContenders(env, 'redis');
  const contenders = all.filter((one) => !one.na);
  try {
    for (const one of contenders) await one.prepare?.();
    const callsBefore = new Map(contenders.map((one) => [one, one.loader?.calls ?? 0]));
    const started = Date.now();
    const samples = await measurePaired(contenders, plan);
    const limit = samples.get(contenders.find((one) => one.role === 'limit'));
    const floor = samples.get(contenders.find((one) => one.role === 'decode floor'));
    const rows = contenders.map((one) => [one.label, formatTime(median(samples.get(one))), formatRatio(pairedRatio(samples.get(one), limit)), formatRatio(pairedRatio(samples.get(one), floor))]);
    const functionRuns = contenders.filter((one) => one.loader).map((one) => `${one.label}: ${one.loader.calls - callsBefore.get(one)}`);

    console.log(`# Redis stale hit, paired${plan.quick ? ' (quick)' : ''}`);
    console.log();
    console.log(`- date: ${new Date(started).toISOString()}`);
    console.log(`- command: \`npm run bench:paired-redis-stale${argv.length ? ' -- ' + argv.join(' ') : ''}\``);
    console.log(`- Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs), ${process.platform}; easy-cache from ${env.dist ? 'dist/ (compiled)' : 'lib/ (ts-node, transpile only)'}; Redis on loopback`);
    if (baselineLib) console.log(`- baseline: easy-cache @ ${baselineLib.label} (\`${ref}\` = ${baselineLib.sha}, "${baselineLib.subject}")`);
    console.log(`- ${describePlan(plan)}; ${HIT_IDS.length} users cycled, one call at a time`);
    console.log();
    console.log(markdownTable(['contender', 'median time/op', '× raw GET, paired median (95 % interval)', '× raw GET + JSON.parse, paired median (95 % interval)'], rows));
    console.log();
    console.log(`- the cached function's calls during the rounds: ${functionRuns.join('; ')}`);
    console.log(`- total time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    for (const one of contenders) await one.close?.();
    harness.killServersSync([server]);
  }
}

runProgram(main);
