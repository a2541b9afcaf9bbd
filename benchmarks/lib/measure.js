/**
 * The timing loop: every contender of a scenario is warmed up, then measured in several samples
 * taken in turn (contender A, B, C, then B, C, A, ...), so that a slow phase of the machine hits
 * all of them alike; the figure kept is the median of the samples.
 */

/** Sampling plans: the full run and the quick one (`--quick`). */
export const PLANS = {
  full: { warmupMs: 400, sampleMs: 250, samples: 9 },
  quick: { warmupMs: 80, sampleMs: 50, samples: 5 },
};

const now = () => process.hrtime.bigint();

/**
 * Runs `count` operations of `contender` and resolves to the nanoseconds they took. An async
 * contender with `inFlight > 1` keeps that many calls in flight: it starts `inFlight` calls,
 * waits for all of them, and starts the next batch. Operations are numbered on from the
 * contender's previous run, so that samples shorter than a cycle of users still read them all.
 */
export async function timeOperations(contender, count, inFlight) {
  const { run } = contender;
  // A contender may set up process-wide state for its own samples only (e.g. a telemetry subscription).
  contender.enter?.();
  try {
    return await timeRuns(contender, run, count, inFlight);
  } finally {
    contender.leave?.();
  }
}

// The number of each contender's next operation (see `timeOperations`), wrapped at a multiple of
// every cycle a contender uses (64 users, 1024 ids) so that the loop counter stays a small integer.
const nextOperation = new WeakMap();
const WRAP = 1 << 20;

async function timeRuns(contender, run, count, inFlight) {
  const first = nextOperation.get(contender) ?? 0;
  const end = first + count;
  nextOperation.set(contender, end % WRAP);
  const start = now();
  if (contender.sync) {
    let sink;
    for (let i = first; i < end; i++) sink = run(i);
    contender.sink = sink;
  } else if (inFlight <= 1) {
    for (let i = first; i < end; i++) await run(i);
  } else {
    const batch = new Array(inFlight);
    for (let i = first; i < end; i += inFlight) {
      for (let j = 0; j < inFlight; j++) batch[j] = run(i + j);
      await Promise.all(batch);
    }
  }
  return Number(now() - start);
}

/** How many operations fit in `ms`, judged from a short trial run; a multiple of `inFlight`. */
export async function calibrate(contender, ms, inFlight) {
  let count = Math.max(inFlight, 16);
  for (;;) {
    const ns = await timeOperations(contender, count, inFlight);
    if (ns > 5e6 || count >= 1 << 24) {
      const perOp = ns / count;
      const fit = Math.max(inFlight, Math.round((ms * 1e6) / perOp));
      return Math.ceil(fit / inFlight) * inFlight;
    }
    count *= 4;
  }
}

/** The median of `values`. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Measures every contender (those marked `na` are skipped) with `plan`, interleaved. Resolves to
 * a Map from contender to `{ nsPerOp, samples }` where `nsPerOp` is the median over samples.
 */
export async function measureInterleaved(contenders, plan, inFlight) {
  const live = contenders.filter((contender) => !contender.na);
  const counts = new Map();
  for (const contender of live) {
    const count = await calibrate(contender, plan.sampleMs, inFlight);
    await timeOperations(contender, Math.max(inFlight, Math.round((count * plan.warmupMs) / plan.sampleMs)), inFlight);
    counts.set(contender, count);
  }
  const samples = new Map(live.map((contender) => [contender, []]));
  for (let round = 0; round < plan.samples; round++) {
    for (let k = 0; k < live.length; k++) {
      const contender = live[(round + k) % live.length];
      const count = counts.get(contender);
      const ns = await timeOperations(contender, count, inFlight);
      samples.get(contender).push(ns / count);
    }
  }
  return new Map(live.map((contender) => [contender, { nsPerOp: median(samples.get(contender)), samples: samples.get(contender) }]));
}
