/**
 * Each scenario of `npm run bench` in a process of its own: the runner starts itself once per
 * scenario (`--scenario=<id> --rows-out=<file>`), the child starts its own servers, measures that
 * scenario's contenders side by side as before and writes their rows as JSON; the parent prints
 * them and judges the targets over all of them.
 *
 * Why: in one process, what an earlier scenario leaves behind (other libraries' objects and
 * timers, the optimized code of easy-cache's shared paths as other configurations shaped it) moved
 * a later scenario's figures by 10 % and more, and by scenario order: the memory stale hit read
 * 2.40-2.67× `Map.get` alone and 3.00-3.29× after the memory hit scenario, with easy-cache's rows
 * slower in absolute time and `Map.get` not (benchmarks/README.md, Round 9). `--one-process`
 * runs every scenario in the runner's own process, as before.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('../run.js', import.meta.url));

/** The options a child gets from the parent's command line: how to measure, never what to print. */
const PASSED_ON = ['--quick', '--dist'];

/** `--scenario=<id>` of a child, or undefined in the parent. */
export function childScenario(argv) {
  return argv.find((arg) => arg.startsWith('--scenario='))?.slice('--scenario='.length);
}

/** `--rows-out=<file>` of a child. */
export function rowsOut(argv) {
  return argv.find((arg) => arg.startsWith('--rows-out='))?.slice('--rows-out='.length);
}

/**
 * Runs scenario `id` in a child process of the runner and resolves to its rows. The child's
 * standard error (server and library warnings) is the parent's; a child that fails throws here,
 * naming the scenario.
 */
export function measureInChild(id, argv) {
  const dir = mkdtempSync(join(tmpdir(), 'easy-cache-bench-rows-'));
  const file = join(dir, `${id}.json`);
  try {
    const passed = argv.filter((arg) => PASSED_ON.includes(arg) || arg.startsWith('--baseline='));
    try {
      execFileSync(process.execPath, [...process.execArgv, RUNNER, `--scenario=${id}`, `--rows-out=${file}`, ...passed], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (error) {
      throw new Error(`scenario ${id} failed in its process: ${error.message}`);
    }
    return JSON.parse(readFileSync(file, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
