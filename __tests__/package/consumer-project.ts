import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** The repository root (this file lives in `__tests__/package/`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The consumer sources copied into the temporary project. */
const FIXTURES = path.join(__dirname, 'consumer');

/** What `npm pack` produced. */
export interface PackedLibrary {
  /** Absolute path of the tarball. */
  readonly tarball: string;
  /** Paths inside the package, as npm lists them (`dist/index.js`, `README.md`, ...). */
  readonly files: readonly string[];
}

/** Runs a command and returns its stdout; on failure the error carries stdout and stderr. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
  }
}

/** Packs the repository into `destination` (the `prepack` script builds `dist/` first). */
export function packLibrary(destination: string): PackedLibrary {
  const output = run('npm', ['pack', '--json', '--pack-destination', destination], REPO_ROOT);
  // Lifecycle scripts write to stderr, so stdout is the JSON report alone.
  const [report] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  if (!report) throw new Error(`npm pack printed no report: ${output}`);
  return { tarball: path.join(destination, report.filename), files: report.files.map((file) => file.path) };
}

// The optional peers and type packages a user would add, at the versions the repository tested
// with, so that npm finds them in its cache (installed by `npm ci`) and needs no network.
const CONSUMER_PACKAGES = ['ioredis', 'memcached', '@types/memcached', '@types/node'];

function installedVersion(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Makes a project in `dir` that depends on the tarball (and on the optional peers), installs it
 * with npm, and copies the consumer sources next to it: `consumer.mts` also as `consumer.cts`
 * and as `consumer.ts`, so one source is compiled as ESM, as CommonJS and under old resolutions.
 */
export function createConsumerProject(dir: string, tarball: string): void {
  const dependencies: Record<string, string> = { 'easy-cache': `file:${tarball}` };
  for (const name of CONSUMER_PACKAGES) dependencies[name] = installedVersion(name);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'easy-cache-consumer', private: true, dependencies }, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], dir);
  for (const file of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
  fs.copyFileSync(path.join(FIXTURES, 'consumer.mts'), path.join(dir, 'consumer.cts'));
  fs.copyFileSync(path.join(FIXTURES, 'consumer.mts'), path.join(dir, 'consumer.ts'));
}

/** The compiler settings a consumer might use; each gets its own tsconfig in the project. */
export const CONSUMER_TSCONFIGS = {
  // Node's own resolution: reads `exports`; .mts is an ES module, .cts CommonJS.
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', files: ['consumer.mts', 'consumer.cts'] },
  // The resolution of older CommonJS projects: ignores `exports`, so subpaths need `typesVersions`.
  node10: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', esModuleInterop: true, files: ['consumer.ts'] },
  // Bundlers (Vite, esbuild, webpack): reads `exports` with the `import` condition.
  bundler: { module: 'preserve', moduleResolution: 'bundler', files: ['consumer.ts'] },
} as const;

/** Compiles the consumer with the repository's TypeScript under `setting`; returns the compiler output. */
export function compileConsumer(dir: string, setting: keyof typeof CONSUMER_TSCONFIGS): string {
  const { files, ...options } = CONSUMER_TSCONFIGS[setting];
  const tsconfig = `tsconfig.${setting}.json`;
  const compilerOptions = { target: 'es2022', lib: ['es2022'], types: ['node'], strict: true, noEmit: true, skipLibCheck: false, ...options };
  fs.writeFileSync(path.join(dir, tsconfig), JSON.stringify({ compilerOptions, files }, null, 2));
  return run(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], dir);
}

/**
 * Makes a project in `dir` that depends on the tarball and on `packages` (at the versions the
 * repository tested with), installs it with npm, and copies in the files of the fixture folders
 * (relative to this folder). Resolves to what npm printed on stderr (its warnings).
 */
export async function installProject(dir: string, tarball: string, packages: readonly string[], fixtureDirs: readonly string[]): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const dependencies: Record<string, string> = { 'easy-cache': `file:${tarball}` };
  for (const name of packages) dependencies[name] = installedVersion(name);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `easy-cache-${path.basename(dir)}`, private: true, dependencies }, null, 2));
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'];
  const { stderr } = await promisify(execFile)('npm', args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  for (const fixtures of fixtureDirs) fs.cpSync(path.join(__dirname, fixtures), dir, { recursive: true });
  return stderr;
}

/** What the compiler said: its exit status and its output, one diagnostic per line. */
export interface Compilation {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Compiles `files` of the project as a user with a strict `module: nodenext` project would (no
 * `skipLibCheck`), emitting JavaScript into `out/` (emitted even when there are type errors).
 */
export function compileProject(dir: string, name: string, files: readonly string[]): Compilation {
  const compilerOptions = { target: 'es2022', lib: ['es2022'], types: ['node'], strict: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', rootDir: '.', outDir: 'out' };
  fs.writeFileSync(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }, null, 2));
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: dir, encoding: 'utf8', timeout: 90_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Runs the repository's jest on the project's compiled `out/**\/*.test.cjs` files, as a backend author would run theirs. */
export function runJestIn(dir: string): Compilation {
  const config = { rootDir: dir, testEnvironment: 'node', transform: {}, testMatch: ['<rootDir>/out/**/*.test.cjs'] };
  const jest = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const result = spawnSync(process.execPath, [jest, '--ci', '--runInBand', '--config', JSON.stringify(config)], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}
