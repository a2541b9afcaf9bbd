/**
 * A scenario measured in several processes ("forks", as JMH calls them): a scenario with `forks: N`
 * is run N times, each time in a process of its own, and its rows are pooled. One process's
 * figures carry what its start happened to give it (where V8 placed and how it optimized the shared
 * paths, which connection the machine favours): the Redis stale hit read 1.01× to 1.06× a raw
 * `GET` from one process to the next while each process's own interval was ±1.5 %. Pooling the
 * rounds of several processes (`forks: 4`) averages that out instead of reporting one process's luck.
 */
import { median } from './measure.js';

/**
 * The rows of one scenario measured in several processes, pooled: paired samples are concatenated
 * (round k of a fork stays paired with round k of the same fork: every row has as many rounds in
 * each fork), times per operation are medians over the pooled rounds (over the forks' figures for
 * a scenario not sampled paired), the function's runs are summed, and anything else (commands and
 * round trips per operation, notes, labels) is the first fork's, with a note or error of any fork kept.
 * @throws Error when the forks did not measure the same contenders in the same order.
 */
export function poolForks(forks) {
  const [first, ...rest] = forks;
  return first.map((row, index) => {
    const twins = [row, ...rest.map((rows) => rows[index])];
    const stranger = twins.find((twin) => twin?.label !== row.label);
    if (stranger !== undefined) throw new Error(`the forks measured different contenders: "${row.label}" and "${stranger?.label}"`);
    return poolRow(twins);
  });
}

function poolRow(twins) {
  const pooled = { ...twins[0] };
  const error = twins.find((twin) => twin.error !== undefined)?.error;
  if (error !== undefined) pooled.error = error;
  const note = twins.find((twin) => twin.note !== undefined)?.note;
  if (note !== undefined) pooled.note = note;
  if (twins.every((twin) => typeof twin.functionRuns === 'number')) pooled.functionRuns = twins.reduce((sum, twin) => sum + twin.functionRuns, 0);
  if (twins.every((twin) => Array.isArray(twin.pairedSamples))) {
    pooled.pairedSamples = twins.flatMap((twin) => twin.pairedSamples);
    pooled.nsPerOp = median(pooled.pairedSamples);
  } else if (twins.every((twin) => typeof twin.nsPerOp === 'number')) {
    pooled.nsPerOp = median(twins.map((twin) => twin.nsPerOp));
  } else {
    delete pooled.nsPerOp;
    delete pooled.pairedSamples;
  }
  return pooled;
}
