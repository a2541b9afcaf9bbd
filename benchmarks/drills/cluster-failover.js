/**
 * A drill of Redis Cluster topology changes under load (issue 16 item 10):
 * `npm run bench:cluster-failover` or
 * `node benchmarks/drills/cluster-failover.js [--baseline=<git-ref>] [--seconds=S] [--steady-only]`.
 *
 * The load is 32 loops of calls without pause (a tagged cached read of one of 1000 records, and
 * one call in ten a tag invalidation), on Redis Clusters of 3 masters and 3 replicas started here
 * (the test helper `__tests__/helpers/replicated-cluster.ts`).
 *
 * First the steady throughput of every contender, on one cluster, in interleaved slices (`S`
 * seconds each in all). Then, for each contender on a cluster of its own, while the load runs:
 * 1000 slots moved between masters (reshard), a manual `CLUSTER FAILOVER`, and a master SIGKILLed
 * until its replica takes over. For each change: the calls started while it was under way, their
 * p50, p99 and slowest, the backend errors reported by cached reads and the invalidations that
 * rejected.
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
/** Seconds of steady load measured per contender (in interleaved slices). */
const SECONDS = Number(argv.find((arg) => arg.startsWith('--seconds='))?.slice(10) ?? 5);
const LOOPS = 32;
const RECORDS = 1000;
/** Generous, so that a call that meets a dead master waits for the election instead of timing out. */
const BACKEND_TIMEOUT_MS = 10_000;

const require = createRequire(join(ROOT, 'benchmarks', 'package.json'));
require('ts-node').register({ transpileOnly: true, project: join(ROOT, 'tsconfig.json') });
const { ReplicatedCluster } = require(join(ROOT, '__tests__', 'helpers', 'replicated-cluster.ts'));
const { Redis } = loadRootClients();
const { Cluster } = Redis;

/**
 * Calls that run until `stop()`: each recorded with its start and duration, and every error with
 * its time and kind (`read`: a backend error reported by a cached call; `invalidation`: a
 * rejected invalidation).
 */
function startLoad(lib, backend) {
  const calls = [];
  const errors = [];
  let running = true;
  const getRecord = lib.core.cached(async (id) => ({ id, at: Date.now() }), {
    cacheKey: 'record:{id}',
    tags: ['record:{id}'],
    cacheInstance: backend,
    onError: () => errors.push({ at: performance.now(), kind: 'read' }),
  });
  const loop = async () => {
    while (running) {
      const id = Math.floor(Math.random() * RECORDS);
      const started = performance.now();
      if (Math.random() < 0.1) {
        await lib.core.invalidateCacheTags(`record:${id}`, { cacheInstance: backend }).catch(() => errors.push({ at: performance.now(), kind: 'invalidation' }));
      } else {
        await getRecord(id);
      }
      calls.push({ started, ms: performance.now() - started });
    }
  };
  const loops = Array.from({ length: LOOPS }, loop);
  return {
    calls,
    errors,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** The calls that started in [from, to) (count, p50, p99, max) and the errors of [from, to + 1 s). */
function summarize(load, from, to) {
  const window = load.calls.filter((call) => call.started >= from && call.started < to);
  const sorted = window.map((call) => call.ms).sort((a, b) => a - b);
  const errors = load.errors.filter((error) => error.at >= from && error.at < to + 1000);
  return {
    calls: window.length,
    readErrors: errors.filter((error) => error.kind === 'read').length,
    rejected: errors.filter((error) => error.kind === 'invalidation').length,
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
  // Let the calls started during the change finish (and report) before they are summarized.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { ...summarize(load, from, to), seconds: (to - from) / 1000 };
}

/** A Cluster client on `servers`, and a `RedisCache` of `lib` over it. */
async function connect(servers, lib, autoPipelining, prefix) {
  const client = new Cluster(servers.startupNodes, { enableAutoPipelining: autoPipelining });
  client.on('error', () => undefined);
  await client.ping();
  return { client, backend: new lib.redis.RedisCache(client, { prefix, backendTimeoutMs: BACKEND_TIMEOUT_MS }) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value) => `${value.toFixed(1)} ms`;

/**
 * Steady throughput of every contender on one cluster, interleaved: `ROUNDS` rounds of a slice of
 * load per contender, so that the machine's load drifts over all of them alike. Calls per second
 * over all the slices of each.
 */
async function steadyThroughput(contenders) {
  const ROUNDS = 5;
  const sliceMs = (SECONDS * 1000) / ROUNDS;
  const servers = await ReplicatedCluster.start();
  const connected = await Promise.all(contenders.map((contender, i) => connect(servers, contender.lib, contender.autoPipelining, `steady${i}`)));
  const counted = contenders.map(() => ({ calls: 0, latencies: [] }));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { backend }] of connected.entries()) {
        const load = startLoad(contenders[i].lib, backend);
        // The first tenth of a slice warms the entries and the connections up; the rest counts.
        await sleep(sliceMs / 10);
        const from = performance.now();
        await sleep(sliceMs);
        const to = performance.now();
        await load.stop();
        const window = load.calls.filter((call) => call.started >= from && call.started < to);
        counted[i].calls += window.length;
        counted[i].latencies.push(...window.map((call) => call.ms));
      }
    }
  } finally {
    for (const { client } of connected) client.disconnect();
    await servers.stop();
  }
  console.log(`Steady throughput, one cluster, ${ROUNDS} interleaved slices of ${sliceMs} ms each:`);
  console.log('');
  console.log('| contender | calls/s | p50 | p99 |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [i, contender] of contenders.entries()) {
    const sorted = counted[i].latencies.sort((a, b) => a - b);
    console.log(`| ${contender.label} | ${Math.round(counted[i].calls / SECONDS)} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 99))} |`);
  }
  console.log('');
}

/** The topology changes under load, on a cluster of the contender's own. */
async function topologyChanges(contender) {
  const servers = await ReplicatedCluster.start();
  const { client, backend } = await connect(servers, contender.lib, contender.autoPipelining, 'drill');
  const load = startLoad(contender.lib, backend);
  const rows = [];
  try {
    await sleep(1000);
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
    console.log(`| ${contender.label} | ${row.change} | ${row.seconds.toFixed(1)} s | ${row.calls} | ${row.readErrors} | ${row.rejected} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} |`);
  }
}

// Ctrl-C ends the drill through 'exit', where each cluster still running kills its nodes.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

const current = loadEasyCache();
const baseline = loadBaseline(baselineRef(argv) ?? 'main');
const contenders = [
  { label: 'easy-cache, auto-pipelining on', lib: current, autoPipelining: true },
  { label: 'easy-cache, auto-pipelining off', lib: current, autoPipelining: false },
  { label: `easy-cache @ ${baseline.label} (baseline), auto-pipelining on`, lib: baseline, autoPipelining: true },
];
console.log(`Cluster topology drill, ${new Date().toISOString()}, Node ${process.version}, ${LOOPS} loops, backendTimeoutMs ${BACKEND_TIMEOUT_MS}`);
console.log('');
await steadyThroughput(contenders);
if (argv.includes('--steady-only')) process.exit(0);
console.log('Topology changes under load (calls started while the change was under way; errors until 1 s after it):');
console.log('');
console.log('| contender | change | took | calls | read errors reported | invalidations rejected | p50 | p99 | slowest |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const contender of contenders) await topologyChanges(contender);
