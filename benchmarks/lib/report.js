/** Formatting of results as Markdown tables (readable in a terminal and pasted into README.md). */

/** `1234.5` → `1,235`; small numbers keep a decimal or two. */
export function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Nanoseconds per operation as ns or µs. */
export function formatTime(ns) {
  return ns >= 10_000 ? `${formatNumber(ns / 1000)} µs` : `${formatNumber(ns)} ns`;
}

/** A Markdown table from a header and rows of cells. */
export function markdownTable(header, rows) {
  const widths = header.map((cell, column) => Math.max(String(cell).length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/**
 * Each `--baseline` twin of `rows` with the row it twins and the ratio current / baseline of
 * `metric` (`nsPerOp` or `bytesPerEntry`): `[{ current, baseline, ratio }]`, `ratio` undefined
 * when either figure is missing. Above 1, the current library is slower (or bigger).
 */
export function baselineRatios(rows, metric) {
  return rows
    .filter((row) => row.role === 'baseline')
    .map((baseline) => {
      const current = rows.find((row) => row.label === baseline.twinOf);
      const ratio = current?.[metric] && baseline[metric] ? current[metric] / baseline[metric] : undefined;
      return { current, baseline, ratio };
    });
}

const WHAT = { nsPerOp: 'time per op; above 1 is slower', bytesPerEntry: 'bytes per entry; above 1 is bigger' };

/** The sha in a twin's label `easy-cache @ <sha> (baseline)...`. */
const shaOf = (row) => /@ (\S+) \(baseline\)/.exec(row.label)?.[1] ?? '?';

/** The lines under a table: `easy-cache / baseline <sha>: 1.02 (<contender>; time per op; above 1 is slower)`. */
export function baselineRatioLines(rows, metric) {
  return baselineRatios(rows, metric).map(({ current, baseline, ratio }) => {
    const figure = ratio === undefined ? `? (${current?.error ?? baseline.error ?? 'a figure is missing'})` : ratio.toFixed(2);
    return `easy-cache / baseline ${shaOf(baseline)}: ${figure} (${baseline.twinOf}; ${WHAT[metric]})`;
  });
}

/**
 * One table of every scenario's current / baseline ratio: time per op, or bytes per entry for a
 * custom (footprint) scenario. `results` maps scenario ids to rows; `baseline` is `env.baselineLib`.
 */
export function baselineSummary(scenarios, results, baseline) {
  const table = [];
  for (const scenario of scenarios) {
    const metric = scenario.custom ? 'bytesPerEntry' : 'nsPerOp';
    const show = (row) => (row?.[metric] === undefined ? '?' : metric === 'nsPerOp' ? formatTime(row.nsPerOp) : `${formatNumber(row.bytesPerEntry)} B`);
    for (const { current, baseline: twin, ratio } of baselineRatios(results.get(scenario.id) ?? [], metric)) {
      table.push([scenario.id, twin.twinOf, show(current), show(twin), ratio === undefined ? '?' : ratio.toFixed(2)]);
    }
  }
  const intro = `The current lib/ over the baseline ${baseline.label} ("${baseline.subject}"), from the tables above: time per op (bytes per entry for the footprint); 1.00 is no change, above 1 is slower or bigger.`;
  return intro + '\n\n' + markdownTable(['scenario', 'contender', 'current', `baseline ${baseline.label}`, 'current / baseline'], table);
}
