/**
 * Statistics of paired samples: in each round every contender is timed once, back to back, so the
 * ratio of two contenders within a round cancels the load the machine had in that round. The
 * figure kept is the median of the per-round ratios, with a bootstrap 95 % interval.
 */
import { median } from './measure.js';

/** A deterministic generator (the LCG of Numerical Recipes), so that two reports of the same samples agree; good enough to resample. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** The 2.5th and 97.5th percentiles of the median of `values`, over `resamples` bootstrap resamples. */
export function medianInterval(values, resamples = 2000) {
  const next = random(0x5eed);
  const medians = [];
  const resample = new Array(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) resample[i] = values[Math.floor(next() * values.length)];
    medians.push(median(resample));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(resamples * 0.025)], medians[Math.ceil(resamples * 0.975) - 1]];
}

/** `{ ratio, low, high }`: the median of `a[i] / b[i]` over rounds, and its 95 % interval. */
export function pairedRatio(a, b) {
  const ratios = a.map((value, i) => value / b[i]);
  const [low, high] = medianInterval(ratios);
  return { ratio: median(ratios), low, high };
}

/**
 * `row`'s time over `limit`'s: the median of the per-round ratios when both were sampled paired
 * (`pairedSamples`), else the ratio of their medians; `undefined` when a figure is missing.
 */
export function rowRatio(row, limit) {
  if (row?.pairedSamples && limit?.pairedSamples) return pairedRatio(row.pairedSamples, limit.pairedSamples).ratio;
  return row?.nsPerOp && limit?.nsPerOp ? row.nsPerOp / limit.nsPerOp : undefined;
}

/** `1.0412` → `+4.1 %`. */
export function percent(ratio) {
  const value = (ratio - 1) * 100;
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} %`;
}

/** A `pairedRatio` as `1.093× (1.087 … 1.098)`. */
export function formatRatio({ ratio, low, high }) {
  return `${ratio.toFixed(3)}× (${low.toFixed(3)} … ${high.toFixed(3)})`;
}
