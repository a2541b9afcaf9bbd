/**
 * Paired sampling: every contender is timed once per round, back to back, in an order that
 * rotates between rounds, so that the ratio of two contenders within a round cancels the load the
 * machine had then (see `paired-stats.js`). Used by `paired-hit.js`, `paired-otel.js`,
 * `paired-redis-stale.js`, and by `npm run bench` for scenarios with `sampling: 'paired'`.
 */
import { calibrate, timeOperations } from './measure.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const option = (name, fallback) => Number(argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);

/** The plan from the command line: `--quick`, `--rounds=N`, `--sample-ms=N`, `--clock=wall`. */
export const PAIRED_PLAN = {
  quick,
  rounds: option('rounds', quick ? 41 : 201),
  sampleMs: option('sample-ms', quick ? 10 : 20),
  warmupMs: quick ? 200 : 600,
  clock: argv.includes('--clock=wall') ? 'wall' : 'cpu',
};

/**
 * The plan of a scenario with `sampling: 'paired'` in `npm run bench`: wall time, as the rest of
 * the run; 101 rounds of ~20 ms per contender (21 of ~10 ms with `--quick`).
 */
export function scenarioPairedPlan(quick) {
  return { quick, rounds: quick ? 21 : 101, sampleMs: quick ? 10 : 20, warmupMs: quick ? 200 : 600, clock: 'wall' };
}

/** The plan in one line, for a report's header. */
export function describePlan(plan = PAIRED_PLAN) {
  return `${plan.rounds} rounds of ~${plan.sampleMs} ms per contender (${plan.clock === 'cpu' ? "this process's CPU time" : 'wall time'}), order rotating`;
}

/**
 * Nanoseconds of `count` operations: by default the CPU time of this process (user + system),
 * which leaves out the time it waited for a CPU that other processes held; or wall time.
 */
export async function timeSample(one, count, clock = PAIRED_PLAN.clock) {
  if (clock === 'wall') return timeOperations(one, count, 1);
  const before = process.cpuUsage();
  await timeOperations(one, count, 1);
  const used = process.cpuUsage(before);
  return (used.user + used.system) * 1000;
}

/** Warms `one` up, then returns how many operations fill a sample. Calibrated again once warm: the first trial runs cold code and would make samples short. */
export async function warmedCount(one, plan = PAIRED_PLAN) {
  await timeOperations(one, Math.round(((await calibrate(one, plan.sampleMs, 1)) * plan.warmupMs) / plan.sampleMs), 1);
  return calibrate(one, plan.sampleMs, 1);
}

/**
 * Times every contender once per round; resolves to a Map from contender to its ns per operation,
 * round by round. A contender is `{ run }` (timed here, one call at a time) or `{ calibrate,
 * sample }` (timed elsewhere, e.g. in a child process).
 */
export async function measurePaired(contenders, plan = PAIRED_PLAN) {
  const counts = new Map();
  for (const one of contenders) counts.set(one, one.calibrate ? await one.calibrate() : await warmedCount(one, plan));
  const samples = new Map(contenders.map((one) => [one, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const order = contenders.map((_, k) => contenders[(round + k) % contenders.length]);
    if (round % 2 === 1) order.reverse();
    for (const one of order) samples.get(one).push(one.sample ? await one.sample() : (await timeSample(one, counts.get(one), plan.clock)) / counts.get(one));
  }
  return samples;
}
