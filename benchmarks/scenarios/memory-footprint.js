/**
 * Heap per cached entry: each library caches 100,000 users in a fresh child process of its own
 * (`node --expose-gc`); heapUsed after full collections, before and after, divided by 100,000.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASELINE_DIR_ENV, baselineLabel } from '../lib/baseline.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'footprint-child.js');

/** The contenders, each measured in its own process; every bounded cache is sized to hold all entries. */
const CONTENDERS = [
  ['map', 'a Map of the same keys and values', 'limit'],
  ['easy-default', 'easy-cache, new MemoryCache({ maxEntries: 100_000 }) (copies)', 'easy-cache'],
  ['easy-no-copy', 'easy-cache, new MemoryCache({ maxEntries: 100_000, copy: false })', 'easy-cache'],
  ['bentocache', 'bentocache, memoryDriver({ maxItems: 100_000 })', 'peer'],
  ['cache-manager', 'cache-manager, default keyv Map store', 'peer'],
  ['cachified', '@epic-web/cachified, README lru-cache adapter (max 100_000)', 'peer'],
  ['async-cache-dedupe', 'async-cache-dedupe, memory storage (size 100_000)', 'peer'],
];

/**
 * The contenders of this run: with `--baseline`, the default easy-cache is followed by the same
 * cache built from the baseline library (role 'baseline', so the targets judge the current one).
 */
function contendersOf(env) {
  if (!env.baselineLib) return CONTENDERS.map(([id, label, role]) => ({ id, label, role }));
  return CONTENDERS.flatMap(([id, label, role]) => {
    const row = { id, label, role };
    return id === 'easy-default' ? [row, { id: 'easy-baseline', label: baselineLabel(env, label), role: 'baseline', twinOf: label }] : [row];
  });
}

function runChild(id, entries, extraArgs, env) {
  // The child finds the baseline's folder through the environment (it loads it itself).
  const childEnv = env.baselineLib ? { ...process.env, [BASELINE_DIR_ENV]: env.baselineLib.dir } : process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--expose-gc', CHILD, id, String(entries), ...extraArgs], { timeout: 120_000, env: childEnv }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        resolve({ id, error: (error?.message ?? 'no output') + (stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : '') });
      }
    });
  });
}

export default {
  id: 'memory-footprint',
  title: 'Heap per cached entry (100,000 entries, fresh process each)',
  measures: 'heapUsed delta after gc, divided by the number of entries, for 100,000 users cached through each library; lower is better.',
  backend: 'none',
  custom: true,
  /** Resolves to rows `{ label, role, twinOf?, bytesPerEntry, note }`. */
  async measure(env) {
    const entries = 100_000;
    const extraArgs = env.dist ? ['--dist'] : [];
    const rows = [];
    for (const { id, label, role, twinOf } of contendersOf(env)) {
      // Median of several child runs: each is a fresh process, so they are independent samples.
      const runs = [];
      for (let k = 0; k < env.footprintRuns; k++) runs.push(await runChild(id, entries, extraArgs, env));
      const failed = runs.find((run) => run.error);
      if (failed) {
        rows.push({ label, role, twinOf, error: failed.error });
        continue;
      }
      const sorted = runs.map((run) => run.bytesPerEntry).sort((a, b) => a - b);
      rows.push({ label, role, twinOf, bytesPerEntry: sorted[sorted.length >> 1], note: runs.every((run) => run.kept) ? '' : 'entries were evicted' });
    }
    return rows;
  },
};
