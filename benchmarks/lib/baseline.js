/**
 * The baseline of `--baseline=<git-ref>`: another commit's `lib/`, materialised into a temporary
 * folder and loaded next to the current library, so that one run measures both side by side.
 *
 * Only the three public entry points (`lib/index.ts`, `lib/backends/redis/index.ts`,
 * `lib/backends/memcached/index.ts`) are loaded from the baseline: internal paths move between
 * commits.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadEasyCacheFrom } from './load-library.js';
import { temporaryRoot } from './temporary-root.js';

/** The environment variable through which child processes (the footprint children) find the baseline's folder. */
export const BASELINE_DIR_ENV = 'EASY_CACHE_BENCH_BASELINE_DIR';

/**
 * The ref of `--baseline=<ref>` in `argv`, or undefined when the option is absent.
 * @throws when the option is given without a ref.
 */
export function baselineRef(argv) {
  const arg = argv.find((item) => item === '--baseline' || item.startsWith('--baseline='));
  if (arg === undefined) return undefined;
  const ref = arg.slice('--baseline='.length);
  if (arg === '--baseline' || ref === '') throw new Error('--baseline needs a git ref, e.g. --baseline=f1b351d or --baseline=HEAD~3');
  return ref;
}

function git(...args) {
  return execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Resolves `ref`, extracts that commit's `lib/` (and `tsconfig.json`, for `--dist`) into a new
 * temporary folder, and removes the folder when the process exits.
 *
 * Returns `{ dir, sha, short, subject }`.
 */
export function materializeBaseline(ref) {
  let sha;
  try {
    sha = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new Error(`--baseline=${ref}: not a commit of this repository (git rev-parse found nothing)`);
  }
  const short = git('rev-parse', '--short', sha);
  const subject = git('log', '-1', '--format=%s', sha);
  const paths = ['lib', ...(git('ls-tree', '--name-only', sha, 'tsconfig.json') ? ['tsconfig.json'] : [])];
  const dir = temporaryRoot(`baseline-${short}`);
  const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', sha, ...paths], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  if (!existsSync(join(dir, 'lib', 'index.ts'))) throw new Error(`--baseline=${ref}: commit ${short} has no lib/index.ts`);
  return { dir, sha, short, subject };
}

/**
 * The baseline library `{ core, redis, memcached, label, sha, subject, dir }` of `ref`; with
 * `dist`, the baseline is compiled with the repository's TypeScript first, as the current library is.
 */
export function loadBaseline(ref, { dist = false } = {}) {
  const { dir, sha, short, subject } = materializeBaseline(ref);
  if (dist) {
    if (!existsSync(join(dir, 'tsconfig.json'))) throw new Error(`--baseline=${ref} with --dist: commit ${short} has no tsconfig.json to build with`);
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  }
  return { ...loadEasyCacheFrom(dir, { dist }), label: short, sha, subject, dir };
}

/**
 * The label of the baseline twin of an easy-cache contender: `easy-cache, X` becomes
 * `easy-cache @ <sha> (baseline), X`, so every twin is unique within its scenario.
 */
export function baselineLabel(env, label) {
  const tag = `easy-cache @ ${env.baselineLib.label} (baseline)`;
  return label.startsWith('easy-cache') ? tag + label.slice('easy-cache'.length) : `${tag}: ${label}`;
}

/** `env` with the baseline library in place of the current one (for building a twin). */
export function baselineEnv(env) {
  return { ...env, lib: env.baselineLib };
}
