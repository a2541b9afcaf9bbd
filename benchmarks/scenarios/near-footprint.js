/**
 * Heap per entry of the near cache: 20,000 users cached through a RedisCache with `nearCache`, in
 * a fresh child process (`node --expose-gc`), against a Map of the same keys and values.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'footprint-child.js');
const ENTRIES = 20_000;

const CONTENDERS = [
  ['map', 'a Map of the same keys and values', 'limit'],
  ['map-decoded', 'a Map of the same keys and values decoded from JSON (as a read from Redis gives them)', 'reference'],
  ['easy-near', 'easy-cache, RedisCache({ nearCache: { maxEntries: 20_000 } }) (copies)', 'easy-cache'],
  ['easy-near-no-copy', 'easy-cache, RedisCache({ nearCache: { maxEntries: 20_000, copy: false } })', 'easy-cache'],
];

function runChild(id, env) {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, EASY_CACHE_BENCH_REDIS_PORT: String(env.redisPort) };
    execFile(process.execPath, ['--expose-gc', CHILD, id, String(ENTRIES), ...(env.dist ? ['--dist'] : [])], { timeout: 300_000, env: childEnv }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        resolve({ id, error: (error?.message ?? 'no output') + (stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : '') });
      }
    });
  });
}

export default {
  id: 'near-footprint',
  title: `Heap per near cache entry (${ENTRIES.toLocaleString('en')} entries, fresh process each)`,
  measures: `heapUsed delta after gc, divided by ${ENTRIES.toLocaleString('en')}, for users cached through a RedisCache with a near cache and read back until the near cache holds them all (the ioredis client and the link included); lower is better.`,
  backend: 'redis',
  custom: true,
  async measure(env) {
    const rows = [];
    for (const [id, label, role] of CONTENDERS) {
      const runs = [];
      for (let k = 0; k < env.footprintRuns; k++) runs.push(await runChild(id, env));
      const failed = runs.find((run) => run.error);
      if (failed) {
        rows.push({ label, role, error: failed.error });
        continue;
      }
      const sorted = runs.map((run) => run.bytesPerEntry).sort((a, b) => a - b);
      rows.push({ label, role, bytesPerEntry: sorted[sorted.length >> 1], note: runs.every((run) => run.kept) ? '' : 'entries were evicted' });
    }
    return rows;
  },
};
