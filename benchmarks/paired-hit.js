/**
 * The memory hit with and without `node:diagnostics_channel` in the call path (issue 15, SPEC
 * 11.7: "the memory hit with no subscriber within noise of the same commit without the channels"):
 * `npm run bench:paired-hit` or `node benchmarks/paired-hit.js [--quick] [--rounds=N]
 * [--sample-ms=N] [--clock=wall] [--dist] [--baseline=<git-ref>]`.
 *
 * Contenders, each `cached(getUser, { cacheKey: 'user:{id}' })` on `new MemoryCache()` with 64
 * users stored, nothing subscribed to any channel:
 * - A1: `lib/` as it is (each call checks `hasSubscribers` on the channels); A2: a copy of it,
 *   loaded as a module of its own;
 * - B1, B2: two copies of the same `lib/` with the channels bypassed (`lib-variant.js`
 *   `CHANNELS_BYPASSED`);
 * - with `--baseline=<ref>`, that commit's `lib/` too (e.g. the commit before the channels).
 * Two builds of identical code differ by themselves (code placement, JIT decisions): A1 / A2 and
 * B1 / B2 are the noise floor, and the A/B figure compares the two builds of each side together.
 *
 * In each round every contender is timed once for `--sample-ms`, back to back, in an order that
 * changes every round, on this process's CPU time (`--clock=wall` for wall time); the ratio of
 * two contenders within a round cancels the load the machine had then. Reported: the median of
 * the per-round ratios with a bootstrap 95 % interval.
 */
import { cpus } from 'node:os';
import { baselineRef, loadBaseline } from './lib/baseline.js';
import { contender, HIT_IDS } from './lib/kit.js';
import { easyCache, makeLoader } from './lib/libraries.js';
import { CHANNELS_BYPASSED, loadLibVariant } from './lib/lib-variant.js';
import { loadEasyCache, useDist } from './lib/load-library.js';
import { median } from './lib/measure.js';
import { describePlan, measurePaired, PAIRED_PLAN } from './lib/paired-measure.js';
import { pairedRatio, percent } from './lib/paired-stats.js';
import { formatTime, markdownTable } from './lib/report.js';

const argv = process.argv.slice(2);
const { quick } = PAIRED_PLAN;

/** One contender: the memory hit of `lib`. */
async function hitOf(label, lib) {
  const made = easyCache({ lib }, 'memory', makeLoader());
  const hit = contender(label, 'easy-cache', made, undefined, 'hit', { idBase: 0 });
  await hit.prepare();
  return hit;
}

/** Per round, the geometric mean of two contenders' samples: one figure for two builds of the same code. */
function together(first, second) {
  return first.map((value, i) => Math.sqrt(value * second[i]));
}

function intervalText({ ratio, low, high }) {
  return `${percent(ratio)} (95 % interval ${percent(low)} … ${percent(high)})`;
}

async function main() {
  const dist = useDist();
  const ref = baselineRef(argv);
  const withChannels = [
    await hitOf('A1: lib/ as built (channels checked, no subscriber)', loadEasyCache()),
    await hitOf('A2: a copy of the same lib/', loadLibVariant('copy', { dist })),
  ];
  const bypassed = [
    await hitOf('B1: a copy of lib/ with the channels bypassed', loadLibVariant('no-channels', { patch: CHANNELS_BYPASSED, dist })),
    await hitOf('B2: another copy of lib/ with the channels bypassed', loadLibVariant('no-channels', { patch: CHANNELS_BYPASSED, dist })),
  ];
  const baseline = ref === undefined ? undefined : loadBaseline(ref, { dist });
  const contenders = [...withChannels, ...bypassed];
  if (baseline) contenders.push(await hitOf(`C: easy-cache @ ${baseline.label} ("${baseline.subject.slice(0, 40)}…")`, baseline));

  const started = Date.now();
  const samples = await measurePaired(contenders);
  const a = together(...withChannels.map((one) => samples.get(one)));
  const b = together(...bypassed.map((one) => samples.get(one)));
  const rows = contenders.map((one) => {
    const paired = pairedRatio(samples.get(one), b);
    return [one.label, formatTime(median(samples.get(one))), percent(paired.ratio), `${percent(paired.low)} … ${percent(paired.high)}`];
  });
  // Two builds of identical code differ (code placement, JIT decisions): that is the floor.
  const copies = [pairedRatio(...withChannels.map((one) => samples.get(one))), pairedRatio(...bypassed.map((one) => samples.get(one)))];
  const floor = Math.max(...copies.flatMap(({ low, high }) => [Math.abs(low - 1), Math.abs(high - 1)]));
  const channels = pairedRatio(a, b);

  console.log(`# Memory hit, paired: the channels as built against the channels bypassed${quick ? ' (quick)' : ''}`);
  console.log();
  console.log(`- date: ${new Date(started).toISOString()}`);
  console.log(`- command: \`npm run bench:paired-hit${argv.length ? ' -- ' + argv.join(' ') : ''}\``);
  console.log(`- Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs), ${process.platform}; easy-cache from ${dist ? 'dist/ (compiled)' : 'lib/ (ts-node, transpile only)'}`);
  console.log(`- ${describePlan()}; ${HIT_IDS.length} users cycled, one call at a time`);
  console.log();
  console.log(markdownTable(['contender', 'median time/hit', 'vs B1·B2, paired median', '95 % interval'], rows));
  console.log();
  console.log(`- channels as built vs bypassed (A1·A2 / B1·B2): ${intervalText(channels)}, ${Math.round(median(a) - median(b))} ns per hit from the medians`);
  console.log(`- noise floor, two builds of identical code: A1 / A2 ${intervalText(copies[0])}; B1 / B2 ${intervalText(copies[1])}: differences within ±${(floor * 100).toFixed(1)} % are noise`);
  console.log(`- verdict: ${Math.abs(channels.ratio - 1) <= floor ? 'within noise' : 'outside the noise floor'}`);
  console.log(`- total time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await Promise.all(contenders.map((one) => one.close()));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
