// `npm run example:drive`: starts the book store twice in this process, without and with the
// cache (each on a fresh database and a free loopback port), sends both the same bounded,
// seeded workload, and prints latency, database queries and the cache's hit rate. It fails
// (exit code 1) if any response differs between the two runs, i.e. if the cache ever served
// stale data. Options: --quick, --requests N, --concurrency N; QUERY_DELAY_MS; REDIS_URL or
// MEMCACHED_SERVERS to cache on a server instead of in memory.
import { randomUUID } from 'node:crypto';
import { caches, type CacheEvent } from '../../../lib';
import { chooseBackend, releaseBackend } from './backend';
import { runWorkload, summarize, type RunResult } from './measure';
import { parseInteger, readIntegerEnv } from './settings';
import { startService, type ServiceOptions } from './service';
import { buildWorkload } from './workload';

interface DriveOptions {
  readonly requests: number;
  readonly concurrency: number;
  readonly queryDelayMs: number;
}

function readOptions(argv: readonly string[]): DriveOptions {
  let quick = false;
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') quick = true;
    else if (arg === '--requests' || arg === '--concurrency') given.set(arg, argv[++i] ?? '');
    else throw new Error(`unknown argument "${arg}"; use --quick, --requests N, --concurrency N`);
  }
  const requests = given.get('--requests');
  const concurrency = given.get('--concurrency');
  return {
    requests: requests === undefined ? (quick ? 300 : 2000) : parseInteger('--requests', requests, { min: 1, max: 100_000 }),
    concurrency: concurrency === undefined ? 8 : parseInteger('--concurrency', concurrency, { min: 1, max: 256 }),
    queryDelayMs: readIntegerEnv('QUERY_DELAY_MS', quick ? 2 : 5, { min: 0, max: 1000 }),
  };
}

/** Starts a service, warms its HTTP path (not its cache), runs the workload, stops it. */
async function measure(service: Omit<ServiceOptions, 'port' | 'host'>, run: (baseUrl: string) => Promise<RunResult>): Promise<RunResult & { queries: number }> {
  const running = await startService({ ...service, port: 0, host: '127.0.0.1' });
  try {
    for (let i = 0; i < 50; i++) await (await fetch(`${running.url}/health`)).text();
    const result = await run(running.url);
    return { ...result, queries: running.db.queries };
  } finally {
    await running.close();
  }
}

const ms = (value: number): string => value.toFixed(2).padStart(8);

/** `before / after` as "2.8x faster", or the other way round as "1.3x slower". */
function ratio(before: number, after: number, better: string, worse: string): string {
  if (after <= 0 || before <= 0) return 'n/a';
  return before >= after ? `${(before / after).toFixed(1)}x ${better}` : `${(after / before).toFixed(1)}x ${worse}`;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const phases = buildWorkload({ requests: options.requests, writeEvery: 20, seed: 42 });
  const writes = phases.filter((phase) => phase.write).length;
  const reads = options.requests - writes;
  const { label, backend } = await chooseBackend(process.env, `bookstore-drive-${randomUUID().slice(0, 8)}`);
  console.log('easy-cache book store driver');
  console.log(`  workload: ${options.requests} requests (${reads} reads, ${writes} writes), ${options.concurrency} at a time`);
  console.log(`  database: SQLite (sql.js), each query waits ${options.queryDelayMs} ms`);
  console.log(`  cache:    ${label}\n`);

  const run = (baseUrl: string) => runWorkload(baseUrl, phases, options.concurrency);
  const plain = await measure({ queryDelayMs: options.queryDelayMs }, run);

  const counts = { hit: 0, miss: 0, stale: 0, invalidate: 0, 'backend-error': 0 };
  const unsubscribe = caches.onEvent((event: CacheEvent) => {
    // Counts the kinds of event it prints; others (set, breaker-open, ...) pass by.
    if (event.type in counts) counts[event.type as keyof typeof counts]++;
  });
  let withCache: RunResult & { queries: number };
  try {
    withCache = await measure({ queryDelayMs: options.queryDelayMs, backend }, run);
  } finally {
    unsubscribe();
    await releaseBackend(backend);
  }

  console.log('                    req/s   mean ms    p50 ms    p95 ms    p99 ms   db queries');
  for (const [name, result] of [['without cache', plain], ['with cache', withCache]] as const) {
    const s = summarize(result);
    console.log(`  ${name.padEnd(14)} ${s.requestsPerSecond.toFixed(0).padStart(7)}  ${ms(s.mean)}  ${ms(s.p50)}  ${ms(s.p95)}  ${ms(s.p99)}  ${String(result.queries).padStart(11)}`);
  }
  const lookups = counts.hit + counts.miss;
  const hitRate = lookups ? (100 * counts.hit) / lookups : 0;
  const [a, b] = [summarize(plain), summarize(withCache)];
  console.log(`\n  cache: ${counts.hit} hits, ${counts.miss} misses, hit rate ${hitRate.toFixed(1)}%; ${counts.invalidate} invalidations; ${counts['backend-error']} backend errors`);
  console.log(`  with the cache: mean latency ${a.mean.toFixed(2)} -> ${b.mean.toFixed(2)} ms (${ratio(a.mean, b.mean, 'faster', 'slower')}), database queries ${plain.queries} -> ${withCache.queries}`);

  const failures = [...plain.failures, ...withCache.failures];
  const differing = plain.readBodies.filter((body, i) => body !== withCache.readBodies[i]).length;
  if (failures.length > 0) console.log(`\n  ${failures.length} requests failed, for example: ${failures[0]}`);
  if (differing > 0) console.log(`\n  STALE: ${differing} of ${reads} read responses differ between the runs`);
  else console.log(`  all ${reads} read responses identical with and without the cache: no stale data`);
  if (failures.length > 0 || differing > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
