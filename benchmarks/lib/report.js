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
