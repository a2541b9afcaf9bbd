import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileConsumer, compileProject, createConsumerProject, installProject, packLibrary, run, runJestIn, REPO_ROOT, type Compilation, type PackedLibrary } from './consumer-project';
import { serverAddresses } from '../helpers/server-suites';

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

  it('holds the build, README, CHANGELOG, LICENSE and the docs pages, and nothing else', () => {
    const outside = packed.files.filter((file) => !file.startsWith('dist/') && !/^docs\/(backends\/)?[\w-]+\.md$/.test(file));
    expect(outside.sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(packed.files).toEqual(expect.arrayContaining(['docs/README.md', 'docs/getting-started.md', 'docs/backends/custom-backend.md']));
    for (const entry of ['index', 'backends/redis/index', 'backends/memcached/index', 'testing/index']) {
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
    for (const entry of ['.', './redis', './memcached', './testing']) {
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

  it('names its repository, home page, issue tracker and keywords', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'easy-cache', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/) },
      homepage: expect.stringMatching(/^https:\/\/github\.com\/[\w-]+\/[\w-]+#readme$/),
      bugs: { url: expect.stringMatching(/^https:\/\/github\.com\/[\w-]+\/[\w-]+\/issues$/) },
      keywords: expect.arrayContaining(['cache', 'redis', 'memcached', 'typescript']),
    });
    // TypeScript users need no type package of a peer: the published types describe the memcached client.
    expect(Object.keys(manifest.peerDependencies as object).sort()).toEqual(expect.not.arrayContaining(['@types/memcached']));
  });

  it("links the README only to files shipped in the package or kept in the repository it names", () => {
    // npm's site resolves a README's relative links against `repository`; in node_modules the shipped pages resolve.
    const readme = fs.readFileSync(path.join(project, 'node_modules', 'easy-cache', 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1] as string).filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    const nowhere = targets.filter((target) => {
      const clean = target.replace(/\/$/, '');
      return !packed.files.some((file) => file === clean || file.startsWith(`${clean}/`)) && !fs.existsSync(path.join(REPO_ROOT, clean));
    });
    expect(nowhere).toEqual([]);
    const shipped = targets.filter((target) => packed.files.includes(target));
    expect(shipped).toContain('docs/README.md');
  });

  describe('installed beside memcached without @types/memcached, or with no peer at all', () => {
    let untyped: string;
    let peerless: string;
    let npmWarnings: string[];
    let compiled: Compilation;

    beforeAll(async () => {
      untyped = path.join(workDir, 'untyped');
      peerless = path.join(workDir, 'peerless');
      npmWarnings = await Promise.all([
        installProject(untyped, packed.tarball, ['ioredis', 'memcached', '@types/node'], ['consumer', 'services', 'custom-backend']),
        installProject(peerless, packed.tarball, [], ['peerless']),
      ]);
      // One program for the sources that must compile cleanly: the consumer (as ESM and as
      // CommonJS) and a custom backend with its contract test.
      fs.copyFileSync(path.join(untyped, 'consumer.mts'), path.join(untyped, 'consumer.cts'));
      compiled = compileProject(untyped, 'clean', ['consumer.mts', 'consumer.cts', 'store-cache.cts', 'store-cache.test.cts']);
    }, 240_000);

    it(`installs with no engine warning (Node ${process.versions.node})`, () => {
      expect(npmWarnings.join('\n')).not.toMatch(/EBADENGINE|Unsupported engine/);
    });

    it('compiles a strict nodenext user of every entry point, and a custom backend, without @types/memcached', () => {
      expect(fs.existsSync(path.join(untyped, 'node_modules', 'memcached', 'package.json'))).toBe(true);
      expect(fs.existsSync(path.join(untyped, 'node_modules', '@types', 'memcached'))).toBe(false);
      expect(compiled).toEqual({ status: 0, output: '' });
    });

    it('runs easy-cache/testing with jest against the custom backend', () => {
      expect(fs.existsSync(path.join(untyped, 'out', 'store-cache.test.cjs'))).toBe(true);
      const jest = runJestIn(untyped);
      expect(jest.output).toMatch(/StoreCache: CacheInstance contract/);
      expect(jest.output).toMatch(/Tests:\s+\d{2,} passed, \d+ total/);
      expect(jest.output).not.toMatch(/failed/);
      expect(jest.status).toBe(0);
    }, 120_000);

    it('imports easy-cache/redis, easy-cache/memcached and easy-cache/testing alone; building a backend names the package to install', () => {
      const report = JSON.parse(run(process.execPath, ['missing-peers.mjs'], peerless)) as Record<string, unknown>;
      expect(report).toEqual({
        redis: {
          configError: true,
          code: 'E_CACHE_CONFIG',
          message: 'easy-cache/redis needs the package "ioredis", an optional peer dependency of easy-cache that is not installed: run `npm install ioredis`',
        },
        memcached: {
          configError: true,
          code: 'E_CACHE_CONFIG',
          message: 'easy-cache/memcached needs the package "memcached", an optional peer dependency of easy-cache that is not installed: run `npm install memcached`',
        },
        core: 81,
        testing: 'function',
      });
    });

    describe('services written as the docs show: ESM on Redis, CommonJS on Memcached', () => {
      let services: Compilation;

      beforeAll(() => {
        services = compileProject(untyped, 'services', ['redis-service.mts', 'memcached-service.cts']);
      }, 90_000);

      it('compile under strict nodenext with option functions left unannotated', () => {
        // Key, tag, prefix and timeout functions take their parameter types from the wrapped function.
        expect(services).toEqual({ status: 0, output: '' });
      });

      const redis = serverAddresses('redis')[0];
      (redis ? it : it.skip)('the ES module service caches on Redis, drops what it invalidates, and exits on its own', () => {
        const report = JSON.parse(run(process.execPath, ['out/redis-service.mjs'], untyped, { ...process.env, REDIS_URL: `redis://${redis}` })) as unknown;
        const dune = { id: 1, title: 'Dune', shelf: 'sf' };
        expect(report).toEqual({
          service: 'esm-redis',
          steps: [
            { step: 'miss', value: dune, queries: 1 },
            { step: 'hit', value: dune, queries: 1 },
            { step: 'shelf miss', value: ['1:Dune'], queries: 2 },
            { step: 'shelf hit', value: ['1:Dune'], queries: 2 },
            { step: 'after rename', value: { ...dune, title: 'Dune Messiah' }, queries: 3 },
            { step: 'shelf after rename', value: ['1:Dune Messiah'], queries: 4 },
            { step: 'key', value: 'book:2', queries: 4 },
          ],
        });
      }, 60_000);

      const memcached = serverAddresses('memcached');
      (memcached.length > 0 ? it : it.skip)('the CommonJS service caches on Memcached, drops what it invalidates, and exits on its own', () => {
        const report = JSON.parse(run(process.execPath, ['out/memcached-service.cjs'], untyped, { ...process.env, MEMCACHED_SERVERS: memcached.join(',') })) as unknown;
        const order = { id: 'b22', total: 30 };
        expect(report).toEqual({
          service: 'cjs-memcached',
          steps: [
            { step: 'miss', value: 25, queries: 1 },
            { step: 'hit', value: 25, queries: 1 },
            { step: 'method miss', value: order, queries: 2 },
            { step: 'method hit', value: order, queries: 2 },
            { step: 'after tag invalidation', value: 25, queries: 3 },
            { step: 'method after key invalidation', value: order, queries: 4 },
          ],
        });
      }, 60_000);
    });
  });
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
