/**
 * What easy-cache/otel adds to a memory hit and a memory miss, in ns per call (issue 15, SPEC
 * 11.7): `npm run bench:paired-otel` or `node benchmarks/paired-otel.js [--quick] [--rounds=N]
 * [--sample-ms=N] [--clock=wall] [--dist]`.
 *
 * Three child processes, each with a hit contender and a miss contender on `lib/`
 * (`cached(getUser, { cacheKey: 'user:{id}' })` on `new MemoryCache()`): one with nothing
 * subscribed, one with `instrumentEasyCache()` on for its whole life, one with
 * `instrumentEasyCache({ hits: true })` (a span per hit), both on an SDK that records every span
 * and metric point but exports nothing (`otel-kit.js`). Separate processes, because subscribing
 * and unsubscribing around samples in one process (as the `memory-*-otel` scenarios of
 * `npm run bench` do) turns Node's async hooks on and off and leaves the uninstrumented calls
 * slower too. The parent asks the children for samples in an order that changes every round
 * (`paired-measure.js`, each child timing its own CPU time), so a round's samples share the
 * machine's load; the added cost is the per-round difference, median and 95 % interval.
 */
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { contender } from './lib/kit.js';
import { easyCache, makeLoader } from './lib/libraries.js';
import { loadEasyCache, useDist } from './lib/load-library.js';
import { median } from './lib/measure.js';
import { otelInstrumentation } from './lib/otel-kit.js';
import { describePlan, measurePaired, PAIRED_PLAN, timeSample, warmedCount } from './lib/paired-measure.js';
import { medianInterval } from './lib/paired-stats.js';
import { formatTime, markdownTable } from './lib/report.js';

const argv = process.argv.slice(2);
const CHILDREN = {
  plain: { label: 'nothing subscribed' },
  otel: { label: 'instrumentEasyCache()', options: {} },
  spans: { label: 'instrumentEasyCache({ hits: true })', options: { hits: true } },
};

/** A child: builds its two contenders, instruments once, then answers the parent's requests. */
async function child(kind) {
  const lib = loadEasyCache();
  const contenders = {};
  for (const mode of ['hit', 'miss']) {
    contenders[mode] = contender(mode, 'easy-cache', easyCache({ lib }, 'memory', makeLoader()), undefined, mode, { idBase: 0 });
    await contenders[mode].prepare();
  }
  const { options } = CHILDREN[kind];
  if (options) otelInstrumentation(options).enter();
  const counts = {};
  process.on('message', async ({ mode, op }) => {
    const one = contenders[mode];
    if (op === 'calibrate') counts[mode] = await warmedCount(one);
    process.send(op === 'calibrate' ? counts[mode] : (await timeSample(one, counts[mode], PAIRED_PLAN.clock)) / counts[mode]);
  });
  process.send('ready');
}

/** A contender of the parent whose samples are taken by a child process. */
function remote(worker, kind, mode) {
  const ask = (op) =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.send({ mode, op });
    });
  return { label: `${mode}, ${CHILDREN[kind].label}`, kind, mode, calibrate: () => ask('calibrate'), sample: () => ask('sample') };
}

async function parent() {
  const self = fileURLToPath(import.meta.url);
  const workers = Object.keys(CHILDREN).map((kind) => {
    const worker = fork(self, [...argv, `--child=${kind}`]);
    return { kind, worker, ready: new Promise((resolve) => worker.once('message', resolve)) };
  });
  await Promise.all(workers.map(({ ready }) => ready));
  const contenders = ['hit', 'miss'].flatMap((mode) => workers.filter(({ kind }) => mode === 'hit' || kind !== 'spans').map(({ worker, kind }) => remote(worker, kind, mode)));
  const started = Date.now();
  const samples = await measurePaired(contenders);
  const plainOf = (one) => contenders.find((other) => other.mode === one.mode && other.kind === 'plain');
  const rows = contenders.map((one) => {
    if (one.kind === 'plain') return [one.label, formatTime(median(samples.get(one))), '', ''];
    const added = samples.get(one).map((ns, i) => ns - samples.get(plainOf(one))[i]);
    const [low, high] = medianInterval(added);
    return [one.label, formatTime(median(samples.get(one))), formatTime(median(added)), `${formatTime(low)} … ${formatTime(high)}`];
  });
  for (const { worker } of workers) worker.kill();

  console.log(`# easy-cache/otel: the added cost of a memory hit and a memory miss${PAIRED_PLAN.quick ? ' (quick)' : ''}`);
  console.log();
  console.log(`- date: ${new Date(started).toISOString()}`);
  console.log(`- command: \`npm run bench:paired-otel${argv.length ? ' -- ' + argv.join(' ') : ''}\``);
  console.log(`- Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs), ${process.platform}; easy-cache from ${useDist() ? 'dist/ (compiled)' : 'lib/ (ts-node, transpile only)'}`);
  console.log(`- ${describePlan()}, each child timing its own; one call at a time`);
  console.log();
  console.log(markdownTable(['contender', 'median time/call', 'added per call, paired median', '95 % interval'], rows));
  console.log();
  console.log(`- total time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const kind = argv.find((arg) => arg.startsWith('--child='))?.slice('--child='.length);
(kind ? child(kind) : parent()).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
