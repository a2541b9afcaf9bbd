/**
 * Loads easy-cache and the test-server harness for the benchmarks.
 *
 * By default the library is compiled from `lib/` on the fly by ts-node (transpile only, with the
 * repository's tsconfig), so a benchmark always measures the source as it is now; `--dist` (or
 * EASY_CACHE_BENCH_DIST=1) loads the compiled `dist/` instead, after `npm run build`.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the parent of `benchmarks/`). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const require = createRequire(join(ROOT, 'benchmarks', 'package.json'));
let registered = false;

/** Lets `require` compile TypeScript files of the repository (once per process). */
function registerTypeScript() {
  if (registered) return;
  registered = true;
  require('ts-node').register({ transpileOnly: true, project: join(ROOT, 'tsconfig.json') });
}

/** Whether the compiled `dist/` was asked for. */
export function useDist() {
  return process.argv.includes('--dist') || process.env.EASY_CACHE_BENCH_DIST === '1';
}

/**
 * The three entry points of easy-cache: `{ core, redis, memcached }`, from `lib/` through ts-node
 * or, with `--dist`, from `dist/`.
 */
export function loadEasyCache() {
  return loadEasyCacheFrom(ROOT, { dist: useDist() });
}

/**
 * The three entry points of the easy-cache checked out in `root` (the repository, or the folder of
 * a `--baseline` commit): from `root/lib/` through ts-node, or from `root/dist/` when `dist` is set.
 */
export function loadEasyCacheFrom(root, { dist = false } = {}) {
  if (dist) {
    const out = join(root, 'dist');
    if (!existsSync(join(out, 'index.js'))) throw new Error(`--dist given but ${join(out, 'index.js')} is missing: run \`npm run build\` first`);
    return {
      core: require(join(out, 'index.js')),
      redis: require(join(out, 'backends', 'redis', 'index.js')),
      memcached: require(join(out, 'backends', 'memcached', 'index.js')),
    };
  }
  registerTypeScript();
  return {
    core: require(join(root, 'lib', 'index.ts')),
    redis: require(join(root, 'lib', 'backends', 'redis', 'index.ts')),
    memcached: require(join(root, 'lib', 'backends', 'memcached', 'index.ts')),
  };
}

/**
 * One module of easy-cache's own (`shared/bound`, say), from `lib/` or, with `--dist`, `dist/`: for
 * a benchmark that times a layer of the library by itself.
 */
export function loadLibModule(path) {
  if (useDist()) return require(join(ROOT, 'dist', `${path}.js`));
  registerTypeScript();
  return require(join(ROOT, 'lib', `${path}.ts`));
}

/** The test harness that starts and stops Redis and memcached (`__tests__/setup/servers.ts`). */
export function loadServerHarness() {
  registerTypeScript();
  return require(join(ROOT, '__tests__', 'setup', 'servers.ts'));
}

/**
 * A helper of the tests (`__tests__/helpers/<name>.ts`) through ts-node, for a benchmark that runs
 * what a test runs and reports its numbers (its worker processes load `lib/`, even with `--dist`).
 */
export function loadTestHelper(name) {
  registerTypeScript();
  return require(join(ROOT, '__tests__', 'helpers', `${name}.ts`));
}

/**
 * The clients easy-cache is used with, from the repository's own node_modules (the versions its
 * tests run against): `{ Redis, Memcached }`. Peers bring their own clients.
 */
export function loadRootClients() {
  const rootRequire = createRequire(join(ROOT, 'package.json'));
  return { Redis: rootRequire('ioredis').default ?? rootRequire('ioredis'), Memcached: rootRequire('memcached') };
}
