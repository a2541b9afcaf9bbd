/**
 * The key count of a long run with one tag per record (issue 16 item 4): `npm run bench:tag-keys`
 * or `node benchmarks/tag-key-count.js [--records=N] [--waves=W] [--baseline=<git-ref>]`.
 *
 * Starts its own redis-server on a free loopback port, then, for the current lib/ (and the
 * baseline's, each in a database of its own), caches `records` records with one tag per record
 * (`tags: ['record:{id}']`, `timeout: 2`), in `waves` waves one second apart (64 calls in flight),
 * and prints `DBSIZE` right after the last wave and then as the server's own expiry reclaims keys,
 * until the count stops moving (or 20 s). Entries live 2 s and their tags 2 s more (the margin):
 * with expiring tags the database empties; before, both version keys of every tag stayed.
 */
import { loadEasyCache, loadRootClients, loadServerHarness } from './lib/load-library.js';
import { baselineRef, loadBaseline } from './lib/baseline.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => Number(argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const RECORDS = option('records', 20_000);
const WAVES = option('waves', 4);
const TIMEOUT_SECONDS = 2;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Caches every record through `lib`, on database `db`, and reports the key counts over time. */
async function run(label, lib, Redis, port, db) {
  const client = new Redis({ host: '127.0.0.1', port, db });
  await client.flushdb();
  const cache = new lib.redis.RedisCache(client, { prefix: 'kc' });
  const getRecord = lib.core.cached(async (id) => ({ id, name: `record ${id}` }), {
    cacheKey: 'record:{id}',
    tags: ['record:{id}'],
    timeout: TIMEOUT_SECONDS,
    cacheInstance: cache,
  });
  const perWave = Math.ceil(RECORDS / WAVES);
  const started = Date.now();
  for (let wave = 0; wave < WAVES; wave++) {
    const waveStart = Date.now();
    for (let id = wave * perWave; id < Math.min(RECORDS, (wave + 1) * perWave); id += 64) {
      const ids = Array.from({ length: Math.min(64, RECORDS - id) }, (_, i) => id + i);
      await Promise.all(ids.map((one) => getRecord(one)));
    }
    if (wave < WAVES - 1) await sleep(Math.max(0, 1000 - (Date.now() - waveStart)));
  }
  const written = Date.now();
  const counts = [[0, await client.dbsize()]];
  let last = -1;
  while (Date.now() - written < 20_000) {
    await sleep(1000);
    const size = await client.dbsize();
    counts.push([Math.round((Date.now() - written) / 1000), size]);
    // Settled: nothing left, or the same count twice in a row after the tags' whole life.
    if (size === 0 || (size === last && Date.now() - written > 2 * TIMEOUT_SECONDS * 1000 + 2000)) break;
    last = size;
  }
  const seconds = ((written - started) / 1000).toFixed(1);
  console.log(`| ${label} | ${RECORDS} | ${seconds} s | ${counts.map(([at, size]) => `${at} s: ${size}`).join(', ')} |`);
  await client.flushdb();
  client.disconnect();
}

async function main() {
  const ref = baselineRef(argv);
  const baseline = ref === undefined ? undefined : loadBaseline(ref);
  const harness = loadServerHarness();
  const redis = await harness.startRedis();
  process.once('exit', () => harness.killServersSync([redis]));
  const { Redis } = loadRootClients();
  console.log(`${RECORDS} records, one tag each, timeout ${TIMEOUT_SECONDS} s, ${WAVES} waves 1 s apart; Redis DBSIZE after the last wave, then each second`);
  console.log();
  console.log('| library | records | writing took | DBSIZE (seconds after the last write: keys) |');
  console.log('| --- | --- | --- | --- |');
  await run('easy-cache (lib/)', loadEasyCache(), Redis, redis.port, 1);
  if (baseline) await run(`easy-cache @ ${baseline.label} (baseline)`, baseline, Redis, redis.port, 2);
  await harness.stopServer(redis);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
