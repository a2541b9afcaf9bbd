/**
 * Paired sampling: every contender is timed once per round, back to back, in an order drawn at
 * random each round, so that the ratio of two contenders within a round cancels the load the
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
 * the run; by default 101 rounds of ~20 ms per contender (21 of ~10 ms with `--quick`). A scenario
 * may set its own `rounds` and `sampleMs` (a fifth of the rounds with `--quick`).
 */
export function scenarioPairedPlan(quick, { rounds, sampleMs } = {}) {
  const plan = { quick, rounds: quick ? 21 : 101, sampleMs: quick ? 10 : 20, warmupMs: quick ? 200 : 600, clock: 'wall' };
  if (rounds !== undefined) plan.rounds = quick ? Math.ceil(rounds / 5) : rounds;
  if (sampleMs !== undefined) plan.sampleMs = sampleMs;
  return plan;
}

/** The plan in one line, for a report's header. */
export function describePlan(plan = PAIRED_PLAN) {
  return `${plan.rounds} rounds of ~${plan.sampleMs} ms per contender (${plan.clock === 'cpu' ? "this process's CPU time" : 'wall time'}), in random order`;
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
    const order = shuffled(contenders);
    for (const one of order) samples.get(one).push(one.sample ? await one.sample() : (await timeSample(one, counts.get(one), plan.clock)) / counts.get(one));
  }
  return samples;
}

/**
 * A copy of `items` in random order (Fisher-Yates), a new one each round: with a fixed rotation
 * every contender kept the same neighbours, and one timed after a peer that allocates heavily paid
 * for that peer's garbage collection in most rounds (two identical raw GETs read up to 5 % apart).
 */
function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
