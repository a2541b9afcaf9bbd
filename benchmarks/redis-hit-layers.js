/**
 * What each layer of a Redis hit adds to a raw `GET`, paired:
 * `node benchmarks/redis-hit-layers.js [--quick] [--rounds=N] [--clock=wall] [--dist]`
 * (after `npm run bench` installed the benchmarks' packages).
 *
 * On the entries of a stale hit (the `redis-stale-hit` scenario's, 64 users cycled, one call at a
 * time): a raw ioredis `GET`; the same plus one `JSON.parse` of the entry's bytes; the backend's
 * `get` with its decode memo and without it (`decodeMemo: false`); the backend's `get` under the
 * core's bound (`withBound`, as every remote read is); and the whole call, a stale hit with its
 * refresh in flight. Every contender is timed once per round, in an order that changes every round; the figure
 * is the median of the per-round ratios to the raw `GET`, with a bootstrap 95 % interval. CPU time
 * of this process by default (the layers are client work; `--clock=wall` for the round trip).
 */
import { cpus } from 'node:os';
import { HIT_IDS } from './lib/kit.js';
import { loadEasyCache, loadLibModule, loadRootClients, loadServerHarness, useDist } from './lib/load-library.js';
import { median } from './lib/measure.js';
import { describePlan, measurePaired, PAIRED_PLAN } from './lib/paired-measure.js';
import { formatRatio, pairedRatio } from './lib/paired-stats.js';
import { rawRedis } from './lib/raw-clients.js';
import { formatTime, markdownTable } from './lib/report.js';
import { easyCacheStale, makeHeldLoader, rawEntryDecode, staleContender } from './lib/stale-kit.js';
import { runProgram } from './lib/run-program.js';

const argv = process.argv.slice(2);

async function main() {
  const harness = loadServerHarness();
  const server = await harness.startRedis();
  const env = { lib: loadEasyCache(), clients: loadRootClients(), redisPort: server.port, prefix: 'layers:', idBase: 0, dist: useDist() };
  const { withBound } = loadLibModule('shared/bound');
  const raw = rawRedis(env);
  const loader = makeHeldLoader();
  const made = easyCacheStale(env, 'redis', loader);
  const staleCall = staleContender('the whole call: a stale hit, refresh in flight', 'easy-cache', made, loader, 'in-flight', env);
  const plainClient = new env.clients.Redis({ host: '127.0.0.1', port: env.redisPort });
  const plain = new env.lib.redis.RedisCache(plainClient, { prefix: made.prefix, decodeMemo: false });
  const keyOf = (i) => 'user:' + HIT_IDS[i & 63];
  const contenders = [
    { label: 'raw ioredis GET', run: (i) => raw.client.get(raw.key(HIT_IDS[i & 63])), prepare: () => raw.fill(HIT_IDS) },
    rawEntryDecode(env, raw),
    { label: 'backend get, decodeMemo: false (every read parsed)', run: (i) => plain.get(keyOf(i)) },
    { label: 'backend get (decode memo: the value copied)', run: (i) => made.instance.get(keyOf(i)) },
    { label: "backend get under the core's bound (withBound)", run: (i) => withBound(made.instance.get(keyOf(i)), 250) },
    staleCall,
  ];
  try {
    // The stale call's entries first: every other row reads them.
    await staleCall.prepare();
    for (const one of contenders) if (one !== staleCall) await one.prepare?.();
    const callsBefore = loader.calls;
    const started = Date.now();
    const samples = await measurePaired(contenders, PAIRED_PLAN);
    const limit = samples.get(contenders[0]);
    const rows = contenders.map((one) => [one.label, formatTime(median(samples.get(one))), formatRatio(pairedRatio(samples.get(one), limit))]);
    console.log(`# Layers of a Redis hit, paired${PAIRED_PLAN.quick ? ' (quick)' : ''}`);
    console.log();
    console.log(`- date: ${new Date(started).toISOString()}`);
    console.log(`- command: \`node benchmarks/redis-hit-layers.js${argv.length ? ' ' + argv.join(' ') : ''}\``);
    console.log(`- Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs), ${process.platform}; easy-cache from ${env.dist ? 'dist/ (compiled)' : 'lib/ (ts-node, transpile only)'}; Redis on loopback`);
    console.log(`- ${describePlan(PAIRED_PLAN)}; ${HIT_IDS.length} users cycled, one call at a time`);
    console.log();
    console.log(markdownTable(['layer', 'median time/op', '× raw GET, paired median (95 % interval)'], rows));
    console.log();
    console.log(`- the cached function's calls during the rounds: ${loader.calls - callsBefore}`);
  } finally {
    await staleCall.close();
    await raw.close();
    await plain.close();
    plainClient.disconnect();
    harness.killServersSync([server]);
  }
}

runProgram(main);
