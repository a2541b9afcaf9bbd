/**
 * Rows timed by the CPU time of this process (`process.cpuUsage`), for programs that compare a
 * few hit paths on a loaded machine (`stale-hit-cpu.js`, `near-hit-cpu.js`): time given to other
 * processes is not counted. Each row is `{ label, run(i), note?() }`; rows are warmed up, then
 * timed in `rounds` interleaved rounds (a different order each round), and the median kept.
 */

/** CPU nanoseconds per operation of `ops` sequential awaited calls of `run`. */
async function cpuPerOp(run, ops) {
  const start = process.cpuUsage();
  for (let i = 0; i < ops; i++) await run(i);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / ops;
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Times every row (`row.samples`, ns per operation) and prints a table against the first row, the limit. */
export async function timeCpuRows(rows, { rounds, ops }) {
  for (const row of rows) {
    await cpuPerOp(row.run, ops);
    row.samples = [];
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(k + round) % rows.length];
      row.samples.push(await cpuPerOp(row.run, ops));
    }
  }
  const limit = median(rows[0].samples);
  console.log(`CPU time per call, median of ${rounds} rounds of ${ops} calls (Node ${process.version})\n`);
  console.log(`| row | CPU ns/op | × ${rows[0].label.split(' ')[0]} | note |\n| --- | --- | --- | --- |`);
  for (const row of rows) {
    const ns = median(row.samples);
    console.log(`| ${row.label} | ${ns.toFixed(0)} | ${(ns / limit).toFixed(2)}× | ${row.note?.() ?? ''} |`);
  }
}
