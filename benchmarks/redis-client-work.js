/**
 * What client work between Redis round trips costs in wall-clock time:
 * `node benchmarks/redis-client-work.js [--rounds=N] [--ops=N]`, after `npm run bench` installed
 * the benchmarks' packages.
 *
 * Sequential raw ioredis `GET`s of a user record, then the same with a fixed amount of CPU work
 * after each reply (a busy wait of 1, 2 or 4 µs, which allocates nothing), and with one
 * `JSON.parse` of the reply. Rows interleaved, median of the rounds; wall time and this process's
 * CPU time per call. It shows how much of the 5 % that issue 12 allows a Redis stale hit over a
 * raw `GET` (about 2 µs at a 40 µs round trip) any decoding client has (see benchmarks/README.md,
 * "Stale hits, round 4").
 */
import { HIT_IDS } from './lib/kit.js';
import { makeUser } from './lib/libraries.js';
import { loadRootClients, loadServerHarness } from './lib/load-library.js';
import { runProgram } from './lib/run-program.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => Number(argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const ROUNDS = option('rounds', 11);
const OPS = option('ops', 4000);

/** Busy-waits `ns` nanoseconds. */
function spin(ns) {
  const end = process.hrtime.bigint() + BigInt(ns);
  while (process.hrtime.bigint() < end);
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main() {
  const harness = loadServerHarness();
  const server = await harness.startRedis();
  const { Redis } = loadRootClients();
  const client = new Redis({ host: '127.0.0.1', port: server.port });
  try {
    for (const id of HIT_IDS) await client.set('user:' + id, JSON.stringify(makeUser(id)));
    const key = (i) => 'user:' + HIT_IDS[i & 63];
    const rows = [
      { label: 'raw ioredis GET', run: (i) => client.get(key(i)) },
      ...[1000, 2000, 4000].map((ns) => ({ label: `GET, then ${ns / 1000} µs of CPU work`, run: async (i) => {
          await client.get(key(i));
          spin(ns);
        },
      })),
      { label: 'GET, then JSON.parse of the reply', run: async (i) => JSON.parse(await client.get(key(i))) },
    ];
    for (const row of rows) {
      for (let i = 0; i < OPS; i++) await row.run(i);
      row.wall = [];
      row.cpu = [];
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < rows.length; k++) {
        const row = rows[(k + round) % rows.length];
        const cpu = process.cpuUsage();
        const start = process.hrtime.bigint();
        for (let i = 0; i < OPS; i++) await row.run(i);
        row.wall.push(Number(process.hrtime.bigint() - start) / OPS / 1000);
        const used = process.cpuUsage(cpu);
        row.cpu.push((used.user + used.system) / OPS);
      }
    }
    const limit = median(rows[0].wall);
    console.log(`Wall and CPU time per sequential call, median of ${ROUNDS} rounds of ${OPS} calls (Node ${process.version})\n`);
    console.log('| row | wall µs/op | × raw GET | CPU µs/op |\n| --- | --- | --- | --- |');
    for (const row of rows) console.log(`| ${row.label} | ${median(row.wall).toFixed(1)} | ${(median(row.wall) / limit).toFixed(2)}× | ${median(row.cpu).toFixed(1)} |`);
  } finally {
    client.disconnect();
    harness.killServersSync([server]);
  }
}

runProgram(main);
