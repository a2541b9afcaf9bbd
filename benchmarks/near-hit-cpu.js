/**
 * Near cache hits measured in CPU time, after `npm run bench` installed the benchmarks' packages:
 * `node benchmarks/near-hit-cpu.js [--rounds=N] [--ops=N] [--baseline=<git-ref>]`.
 *
 * The `near-hit-tags-3` scenario times wall-clock samples beside the peers; on a shared, loaded
 * machine its limit row (`Map.get`) moves by 2× between runs, and so does every ratio. This
 * program measures only `Map.get` and easy-cache's near hits (3 tags with copies and with
 * `copy: false`, no tags with `copy: false`) on a Redis of its own, set up as the scenario sets
 * them up, each timed by the CPU time of this process (`process.cpuUsage`), so time given to
 * other processes is not counted. Rows are interleaved (a different order each round) and the
 * median of the rounds kept; a row that sent a command to Redis while timed says so.
 */
import { timeCpuRows } from './lib/cpu-rows.js';
import { HIT_IDS } from './lib/kit.js';
import { baselineRef, loadBaseline } from './lib/baseline.js';
import { loadEasyCache, loadRootClients, loadServerHarness } from './lib/load-library.js';
import { makeUser, TTL_SECONDS } from './lib/libraries.js';
import { runProgram } from './lib/run-program.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => Number(argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const ROUNDS = option('rounds', 9);
const OPS = option('ops', 200_000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const { Redis } = loadRootClients();
let prefixes = 0;

/** One easy-cache row: `cached(load, ...)` through a RedisCache with `nearCache`, read until every user is a near hit. */
async function nearRow(lib, port, label, { tags, copy }) {
  const client = new Redis({ host: '127.0.0.1', port });
  const instance = new lib.redis.RedisCache(client, { prefix: `near-cpu-${prefixes++}:`, nearCache: copy ? {} : { copy: false } });
  const get = lib.core.cached(async (id) => makeUser(id), {
    cacheKey: 'user:{id}',
    timeout: TTL_SECONDS,
    cacheInstance: instance,
    ...(tags ? { tags: ['user:{id}', 'users', 'team:{id}'] } : {}),
  });
  const deadline = Date.now() + 10_000;
  while (instance.nearCacheState !== 'trusted') {
    if (Date.now() > deadline) throw new Error('client tracking did not come up within 10 s');
    await sleep(10);
  }
  let sent = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = (...args) => {
    sent++;
    return send(...args);
  };
  // The first pass writes (its own pushes drop what it wrote); later passes keep what they read.
  for (let pass = 0; pass < 20; pass++) {
    const before = sent;
    await Promise.all(HIT_IDS.map((id) => get(id)));
    if (pass > 2 && sent === before) break;
    await sleep(30);
  }
  const sentBefore = sent;
  return {
    label,
    run: (i) => get(HIT_IDS[i & 63]),
    note: () => (sent > sentBefore ? `${sent - sentBefore} commands sent to Redis during timing` : ''),
    close: async () => {
      await instance.close();
      client.disconnect();
    },
  };
}

async function rowsOf(name, lib, port) {
  return [
    await nearRow(lib, port, `${name}: near hit, 3 tags, copies (default)`, { tags: true, copy: true }),
    await nearRow(lib, port, `${name}: near hit, 3 tags, copy: false`, { tags: true, copy: false }),
    await nearRow(lib, port, `${name}: near hit, no tags, copy: false`, { tags: false, copy: false }),
  ];
}

async function main() {
  const harness = loadServerHarness();
  const redis = await harness.startRedis();
  try {
    const map = new Map(HIT_IDS.map((id) => ['user:' + id, makeUser(id)]));
    const rows = [{ label: 'Map.get in an async function', run: async (i) => map.get('user:' + HIT_IDS[i & 63]) }];
    rows.push(...(await rowsOf('easy-cache', loadEasyCache(), redis.port)));
    const ref = baselineRef(argv);
    if (ref !== undefined) {
      const baseline = loadBaseline(ref);
      rows.push(...(await rowsOf(`easy-cache @ ${baseline.label}`, baseline, redis.port)));
    }
    await timeCpuRows(rows, { rounds: ROUNDS, ops: OPS });
    for (const row of rows) await row.close?.();
  } finally {
    await harness.stopServer(redis);
  }
}

runProgram(main);
