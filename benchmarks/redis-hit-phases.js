/**
 * Where the wall time of one sequential Redis hit goes, phase by phase:
 * `node benchmarks/redis-hit-phases.js [--rounds=N] [--dist]` (after `npm run bench` installed the
 * benchmarks' packages).
 *
 * Every call is stamped (`process.hrtime`) as it starts, as the client writes the command to its
 * socket, as the call returns its promise, as the reply's bytes reach the socket's `data` event,
 * and as the caller resumes. That splits it into: before the send (the caller's library and the
 * client building the command), the rest of the synchronous call after the write (the write
 * itself, then whatever the library does while the server answers), idle until the reply, and from
 * the reply to the caller. On the stale hit of the `redis-stale-hit` scenario (64 users cycled, one
 * call at a time), against a raw ioredis `GET` on the same connection (and the same `GET` again, the
 * measure's own error), and the raw `GET` with a few microseconds of busy work right after it is
 * sent: what it costs to keep the process busy while the server answers. The rows take turns in
 * blocks of 100 calls, in an order drawn at random each round; each figure is a median over calls.
 * Stamping costs about 0.1 µs per stamp, the same in every row.
 */
import { cpus } from 'node:os';
import { HIT_IDS } from './lib/kit.js';
import { loadEasyCache, loadRootClients, loadServerHarness, useDist } from './lib/load-library.js';
import { median } from './lib/measure.js';
import { formatTime, markdownTable } from './lib/report.js';
import { runProgram } from './lib/run-program.js';
import { easyCacheStale, makeHeldLoader, staleContender } from './lib/stale-kit.js';
import { redisConnection, shareRedis } from './lib/shared-redis.js';
import { makeUser } from './lib/libraries.js';

const argv = process.argv.slice(2);
const ROUNDS = Number(argv.find((arg) => arg.startsWith('--rounds='))?.slice(9) ?? 800);
const CALLS_PER_TURN = 100;
const PHASES = ['before the send', 'the rest of the call (write, then work while the server answers)', 'idle until the reply', 'from the reply to the caller', 'whole call'];

/** Spins for `ns` nanoseconds, touching no memory: busy work that stands for nothing else. */
function busyFor(ns) {
  const end = process.hrtime.bigint() + BigInt(ns);
  while (process.hrtime.bigint() < end);
}

async function main() {
  const harness = loadServerHarness();
  const server = await harness.startRedis();
  const env = shareRedis({ lib: loadEasyCache(), clients: loadRootClients(), redisPort: server.port, prefix: 'phases:', idBase: 0, dist: useDist() });
  const connection = redisConnection(env);
  const client = connection.client;
  const loader = makeHeldLoader();
  const made = easyCacheStale(env, 'redis', loader);
  const stale = staleContender('', 'easy-cache', made, loader, 'in-flight', env);
  try {
    await client.ping();
    const rawKey = (i) => env.prefix + 'raw:user:' + HIT_IDS[i & 63];
    await Promise.all(HIT_IDS.map((id, i) => client.set(rawKey(i), JSON.stringify(makeUser(id)))));
    await stale.prepare();
    if (made.instance.client !== client) throw new Error('the stale hit and the raw GET must share one connection');
    // The stamps: the first write of a call, and the first bytes of its reply.
    let sentAt = 0n;
    let repliedAt = 0n;
    const stream = client.stream;
    const write = stream.write;
    stream.write = function (...args) {
      if (sentAt === 0n) sentAt = process.hrtime.bigint();
      return write.apply(this, args);
    };
    stream.prependListener('data', () => {
      if (repliedAt === 0n) repliedAt = process.hrtime.bigint();
    });
    const rows = [
      ['raw ioredis GET', (i) => client.get(rawKey(i))],
      ['raw ioredis GET, timed again (A/A)', (i) => client.get(rawKey(i))],
      ['raw ioredis GET + 3 µs busy after the send', (i) => { const reply = client.get(rawKey(i)); busyFor(3000); return reply; }],
      ['raw ioredis GET + 8 µs busy after the send', (i) => { const reply = client.get(rawKey(i)); busyFor(8000); return reply; }],
      ['easy-cache stale hit, refresh in flight', (i) => made.get(HIT_IDS[i & 63])],
    ];
    const callsBefore = loader.calls;
    const phases = new Map(rows.map(([label]) => [label, PHASES.map(() => [])]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, call] of [...rows].sort(() => Math.random() - 0.5)) {
        for (let i = 0; i < CALLS_PER_TURN; i++) {
          sentAt = 0n;
          repliedAt = 0n;
          const startedAt = process.hrtime.bigint();
          const reply = call(i);
          const returnedAt = process.hrtime.bigint();
          await reply;
          const resumedAt = process.hrtime.bigint();
          // The first rounds warm the code up.
          if (round < ROUNDS / 40) continue;
          const spans = [sentAt - startedAt, returnedAt - sentAt, repliedAt - returnedAt, resumedAt - repliedAt, resumedAt - startedAt];
          spans.forEach((span, k) => phases.get(label)[k].push(Number(span)));
        }
      }
    }
    console.log('# Phases of a sequential Redis hit');
    console.log();
    console.log(`- date: ${new Date().toISOString()}; command: \`node benchmarks/redis-hit-phases.js${argv.length ? ' ' + argv.join(' ') : ''}\``);
    console.log(`- Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs); easy-cache from ${env.dist ? 'dist/' : 'lib/ (ts-node)'}; Redis on loopback`);
    console.log(`- ${ROUNDS} rounds of ${CALLS_PER_TURN} calls per row, in random order; medians over calls (the phases' medians need not add up to the whole call's)`);
    console.log();
    console.log(markdownTable(['row', ...PHASES], rows.map(([label]) => [label, ...phases.get(label).map((values) => formatTime(median(values)))])));
    console.log();
    console.log(`- the cached function's calls during the rounds: ${loader.calls - callsBefore}`);
  } finally {
    await stale.close();
    connection.release();
    harness.killServersSync([server]);
  }
}

runProgram(main);
