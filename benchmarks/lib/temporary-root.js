/**
 * A temporary folder that stands in for the repository root of another build of easy-cache (a
 * `--baseline` commit, or a variant of the current `lib/`), removed when the process exits.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './load-library.js';

/**
 * Creates `easy-cache-<tag>-XXXX` under the system's temporary folder, with a `node_modules` link
 * to the repository's, and removes it at exit. Returns its path.
 *
 * zod, ioredis and memcached must come from the repository's node_modules, the very modules the
 * current library and the benchmark's clients use: the Redis backend checks `instanceof Redis`
 * against the client it is given. A folder under benchmarks/ would find benchmarks/node_modules
 * first, which has an ioredis of its own (for the peers).
 */
export function temporaryRoot(tag) {
  const dir = mkdtempSync(join(tmpdir(), `easy-cache-${tag}-`));
  const link = join(dir, 'node_modules');
  process.once('exit', () => {
    // The link first, so that removing the folder can never reach the repository's node_modules.
    if (existsSync(link)) unlinkSync(link);
    rmSync(dir, { recursive: true, force: true });
  });
  symlinkSync(join(ROOT, 'node_modules'), link, 'dir');
  return dir;
}
