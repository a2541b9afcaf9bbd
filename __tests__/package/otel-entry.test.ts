/**
 * The fourth entry point as users get it (SPEC 11.7): `easy-cache/otel` from the packed tarball,
 * with `@opentelemetry/api` installed beside it, is imported (ESM), required (CommonJS) and
 * compiled against (TypeScript, three resolutions); `easy-cache` itself never loads the API.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONSUMER_TSCONFIGS, packLibrary, REPO_ROOT, run, type PackedLibrary } from './consumer-project';

interface OtelReport {
  exports: string[];
  spans: string[];
  calls: string[];
  resolved: string;
}

const OTEL_PACKAGES = ['@opentelemetry/api', '@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-metrics', '@types/node'];
const FIXTURES = path.join(__dirname, 'otel-consumer');

function installedVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('the packed easy-cache/otel', () => {
  let workDir: string;
  let project: string;
  let packed: PackedLibrary;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'easy-cache-otel-'));
    project = path.join(workDir, 'consumer');
    fs.mkdirSync(project);
    packed = packLibrary(workDir);
    const dependencies: Record<string, string> = { 'easy-cache': `file:${packed.tarball}` };
    for (const name of OTEL_PACKAGES) dependencies[name] = installedVersion(name);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'easy-cache-otel-consumer', private: true, dependencies }, null, 2));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], project);
    for (const file of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, file), path.join(project, file));
    fs.copyFileSync(path.join(FIXTURES, 'otel-consumer.mts'), path.join(project, 'otel-consumer.cts'));
    fs.copyFileSync(path.join(FIXTURES, 'otel-consumer.mts'), path.join(project, 'otel-consumer.ts'));
  }, 180_000);

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('ships the entry and declares it with types first', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['dist/otel/index.js', 'dist/otel/index.d.ts']));
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'easy-cache', 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
      typesVersions: Record<string, Record<string, string[]>>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    const conditions = manifest.exports['./otel'] ?? {};
    expect(Object.keys(conditions)[0]).toBe('types');
    for (const target of Object.values(conditions)) expect(fs.existsSync(path.join(project, 'node_modules', 'easy-cache', target))).toBe(true);
    expect(manifest.typesVersions['*']?.otel).toEqual(['./dist/otel/index.d.ts']);
    expect(manifest.peerDependenciesMeta['@opentelemetry/api']).toEqual({ optional: true });
  });

  it.each([
    ['requires', 'otel-cjs.cjs'],
    ['imports', 'otel-esm.mjs'],
  ])('%s it and records a miss as a span and both calls as metrics', (_, file) => {
    const report = JSON.parse(run(process.execPath, [file], project)) as OtelReport;
    expect(report.exports).toEqual(expect.arrayContaining(['instrumentEasyCache', 'METRIC_CALLS', 'METRIC_CALL_DURATION', 'METRIC_BACKEND_ERRORS']));
    expect(report.spans).toEqual(['set MemoryCache', 'easy_cache.call cached(square)']);
    expect(report.calls).toEqual(['hit=1', 'miss=1']);
    expect(report.resolved).toContain('node_modules/easy-cache/dist/otel/index.js');
  });

  it.each(Object.keys(CONSUMER_TSCONFIGS) as (keyof typeof CONSUMER_TSCONFIGS)[])('compiles a TypeScript user against its types (%s resolution)', (setting) => {
    const { files, ...options } = CONSUMER_TSCONFIGS[setting];
    const otelFiles = files.map((file) => file.replace('consumer', 'otel-consumer'));
    const compilerOptions = { target: 'es2022', lib: ['es2022'], types: ['node'], strict: true, noEmit: true, skipLibCheck: false, ...options };
    const tsconfig = `tsconfig.otel-${setting}.json`;
    fs.writeFileSync(path.join(project, tsconfig), JSON.stringify({ compilerOptions, files: otelFiles }, null, 2));
    expect(run(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], project)).toBe('');
  }, 60_000);

  it('loads @opentelemetry/api only through easy-cache/otel', () => {
    const loaded = (entry: string): string[] => {
      const script = `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache).filter((file) => file.includes('@opentelemetry'))));`;
      return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' }).trim()) as string[];
    };
    expect(loaded('easy-cache')).toEqual([]);
    expect(loaded('easy-cache/otel').some((file) => file.includes('@opentelemetry/api'))).toBe(true);
  });
});
