import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileConsumer, createConsumerProject, packLibrary, run, type PackedLibrary } from './consumer-project';

// The package as users get it: `npm pack`, installed from the tarball into a project of its own,
// then imported (ESM), required (CommonJS) and compiled against (TypeScript).

interface ConsumerReport {
  exports: { core: string[]; redis: string[]; memcached: string[] };
  classes: string[];
  packageJson: string;
  resolved: string;
  configError: string;
  trips: { label: string; values: number[]; runs: number }[];
}

const CORE_NAMES = ['cached', 'cachedMethod', 'cachedProperty', 'cacheExports', 'caches', 'invalidateCacheKey', 'invalidateCacheTags', 'invalidateCachePrefix', 'MemoryCache', 'NOT_FOUND', 'CacheConfigError', 'BackendError'];

describe('the packed package', () => {
  let workDir: string;
  let project: string;
  let packed: PackedLibrary;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'easy-cache-pack-'));
    project = path.join(workDir, 'consumer');
    fs.mkdirSync(project);
    packed = packLibrary(workDir);
    createConsumerProject(project, packed.tarball);
  }, 120_000);

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const runConsumer = (file: string): ConsumerReport => JSON.parse(run(process.execPath, [file], project)) as ConsumerReport;

  it('holds the build, README, CHANGELOG and LICENSE, and nothing else', () => {
    const outside = packed.files.filter((file) => !file.startsWith('dist/'));
    expect(outside.sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    for (const entry of ['index', 'backends/redis/index', 'backends/memcached/index']) {
      expect(packed.files).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.d.ts`]));
    }
    expect(packed.files.filter((file) => file.endsWith('.test.ts') || file.startsWith('dist/__tests__'))).toEqual([]);
  });

  it('declares exports with types first for every entry point, engines and no side effects', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'easy-cache', 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string> | string>;
      engines: { node: string };
      sideEffects: boolean;
    };
    for (const entry of ['.', './redis', './memcached']) {
      const conditions = manifest.exports[entry] as Record<string, string>;
      expect(Object.keys(conditions)[0]).toBe('types');
      for (const target of Object.values(conditions)) expect(fs.existsSync(path.join(project, 'node_modules', 'easy-cache', target))).toBe(true);
    }
    expect(manifest.engines.node).toBe('>=20');
    expect(manifest.sideEffects).toBe(false);
  });

  it('imports every entry point by name from an ES module, and caches', () => {
    const esm = runConsumer('esm.mjs');
    const cjs = runConsumer('cjs.cjs');
    // Node's CommonJS interop found every export: the named imports are the require() keys.
    const named = (names: string[]) => names.filter((name) => name !== 'default' && name !== '__esModule');
    expect(named(esm.exports.core)).toEqual(named(cjs.exports.core));
    expect(named(esm.exports.redis)).toEqual(named(cjs.exports.redis));
    expect(named(esm.exports.memcached)).toEqual(named(cjs.exports.memcached));
    expect(esm.exports.core).toEqual(expect.arrayContaining(CORE_NAMES));
    expect(esm.exports.redis).toContain('RedisCache');
    expect(esm.exports.memcached).toContain('MemcachedCache');
    expect(esm.resolved).toContain('/node_modules/easy-cache/dist/index.js');
    expectWorking(esm);
  });

  it('requires every entry point from CommonJS, and caches', () => {
    const cjs = runConsumer('cjs.cjs');
    expect(cjs.exports.core).toEqual(expect.arrayContaining(CORE_NAMES));
    expect(cjs.exports.redis).toContain('RedisCache');
    expect(cjs.exports.memcached).toContain('MemcachedCache');
    expect(cjs.resolved).toBe(path.join(fs.realpathSync(project), 'node_modules', 'easy-cache', 'dist', 'index.js'));
    expectWorking(cjs);
  });

  it.each(['nodenext', 'node10', 'bundler'] as const)('compiles a TypeScript user against the types (%s resolution)', (setting) => {
    expect(compileConsumer(project, setting)).toBe('');
  }, 60_000);
});

function expectWorking(report: ConsumerReport): void {
  expect(report.classes).toEqual(['function', 'function', 'function']);
  expect(report.packageJson).toBe('easy-cache');
  expect(report.configError).toMatch(/timout/);
  // Memory always; Redis and Memcached too when the global set-up started them.
  const expected = ['memory'];
  if (process.env.EASY_CACHE_TEST_REDIS) expected.push('redis');
  if (process.env.EASY_CACHE_TEST_MEMCACHED) expected.push('memcached');
  expect(report.trips.map((trip) => trip.label)).toEqual(expected);
  for (const trip of report.trips) expect(trip).toEqual({ label: trip.label, values: [49, 49, 49], runs: 2 });
}
