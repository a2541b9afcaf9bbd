/**
 * A drill of Redis Cluster topology changes under load (issue 16 item 10):
 * `npm run bench:cluster-failover` or
 * `node benchmarks/drills/cluster-failover.js [--baseline=<git-ref>] [--seconds=S]`.
 *
 * For each contender it starts a Redis Cluster of 3 masters and 3 replicas of its own (the test
 * helper `__tests__/helpers/replicated-cluster.ts`), runs 32 loops of calls without pause (a tagged
 * cached read of one of 1000 records, and one call in ten a tag invalidation) and, while they run:
 * measures `S` seconds of steady throughput, moves 1000 slots between masters (reshard), runs a
 * manual `CLUSTER FAILOVER`, and SIGKILLs a master until its replica takes over. For each change
 * it reports the calls that started while it was under way: how many, how many met an error (a
 * reported backend error, or a rejected invalidation), p50, p99 and the slowest.
 *
 * Contenders, all on an ioredis `Cluster`:
 * - this library, client with auto-pipelining (commands the cluster redirects are sent again);
 * - this library, client without auto-pipelining (the other choice the issue offered);
 * - the baseline's library (default `main`), client with auto-pipelining: the behaviour before.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, loadEasyCache, loadRootClients } from '../lib/load-library.js';
import { baselineRef, loadBaseline } from '../lib/baseline.js';

const argv = process.argv.slice(2);
const SECONDS = Number(argv.find((arg) => arg.startsWith('--seconds='))?.slice(10) ?? 3);
const LOOPS = 32;
const RECORDS = 1000;
/** Generous, so that a call that meets a dead master waits for the election instead of timing out. */
const BACKEND_TIMEOUT_MS = 10_000;

const require = createRequire(join(ROOT, 'benchmarks', 'package.json'));
require('ts-node').register({ transpileOnly: true, project: join(ROOT, 'tsconfig.json') });
const { ReplicatedCluster } = require(join(ROOT, '__tests__', 'helpers', 'replicated-cluster.ts'));
const { Redis } = loadRootClients();
const { Cluster } = Redis;

/** Calls that run until `stop()`, each recorded with its start, duration and whether it met an error. */
function startLoad(lib, backend) {
  const calls = [];
  let errorsSeen = 0;
  let running = true;
  const getRecord = lib.core.cached(async (id) => ({ id, at: Date.now() }), {
    cacheKey: 'record:{id}',
    tags: ['record:{id}'],
    cacheInstance: backend,
    onError: () => (errorsSeen += 1),
  });
  const loop = async () => {
    while (running) {
      const id = Math.floor(Math.random() * RECORDS);
      const invalidate = Math.random() < 0.1;
      const errorsBefore = errorsSeen;
      const started = performance.now();
      let failed = false;
      try {
        if (invalidate) await lib.core.invalidateCacheTags(`record:${id}`, { cacheInstance: backend });
        else await getRecord(id);
      } catch {
        failed = true;
      }
      // Another loop's error may land in between: a call counts as failed when any error was
      // reported while it ran, which can only overcount the failures of a change.
      calls.push({ started, ms: performance.now() - started, failed: failed || errorsSeen > errorsBefore });
    }
  };
  const loops = Array.from({ length: LOOPS }, loop);
  return {
    calls,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** The calls that started in [from, to): count, failures, p50, p99, max. */
function summarize(calls, from, to) {
  const window = calls.filter((call) => call.started >= from && call.started < to);
  const sorted = window.map((call) => call.ms).sort((a, b) => a - b);
  return {
    calls: window.length,
    errors: window.filter((call) => call.failed).length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  };
}

/** Runs `change` while the load runs; the summary of the calls started during it. */
async function during(load, change) {
  const from = performance.now();
  await change();
  const to = performance.now();
  // Let the calls started during the change finish before they are summarized.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { ...summarize(load.calls, from, to), seconds: (to - from) / 1000 };
}

async function runContender({ label, lib, autoPipelining }) {
  const servers = await ReplicatedCluster.start();
  const client = new Cluster(servers.startupNodes, { enableAutoPipelining: autoPipelining });
  client.on('error', () => undefined);
  await client.ping();
  const backend = new lib.redis.RedisCache(client, { prefix: 'drill', backendTimeoutMs: BACKEND_TIMEOUT_MS });
  const load = startLoad(lib, backend);
  const rows = [];
  try {
    const steadyFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const steady = summarize(load.calls, steadyFrom, performance.now());
    rows.push({ change: `steady (${SECONDS} s), ${Math.round(steady.calls / SECONDS)} calls/s`, ...steady });
    const [first, second, third] = await servers.masters();
    rows.push({ change: 'reshard 1000 slots', ...(await during(load, () => servers.moveSlots(first.port, second.port, 1000))) });
    rows.push({ change: 'CLUSTER FAILOVER', ...(await during(load, () => servers.manualFailover(second.port))) });
    rows.push({ change: 'SIGKILL a master', ...(await during(load, () => servers.killMaster(third.port))) });
  } finally {
    await load.stop();
    client.disconnect();
    await servers.stop();
  }
  for (const row of rows) {
    const ms = (value) => `${value.toFixed(1)} ms`;
    console.log(`| ${label} | ${row.change} | ${row.calls} | ${row.errors} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} |`);
  }
}

const current = loadEasyCache();
const baseline = loadBaseline(baselineRef(argv) ?? 'main');
console.log(`Cluster topology drill, ${new Date().toISOString()}, Node ${process.version}, ${LOOPS} loops, backendTimeoutMs ${BACKEND_TIMEOUT_MS}`);
console.log('');
console.log('| contender | change | calls started during it | calls with an error | p50 | p99 | slowest |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const contender of [
  { label: 'easy-cache, auto-pipelining on', lib: current, autoPipelining: true },
  { label: 'easy-cache, auto-pipelining off', lib: current, autoPipelining: false },
  { label: `easy-cache @ ${baseline.label} (baseline), auto-pipelining on`, lib: baseline, autoPipelining: true },
]) {
  await runContender(contender);
}
