/**
 * Keeps the shape of lib/ (docs/architecture.md): imports point from call time down to what wrap
 * time compiled and to the plumbing below it, never back; no two files import each other, even
 * through others; no file grows past a size one can read in a sitting.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LIB, libFiles } from '../helpers/lib-files';

/** Layers from the bottom up; a file may import its own layer or a lower one. Paths are relative to lib/. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'shared/'],
  ['serializer/'],
  ['backends/'],
  ['keys/'],
  ['options/'],
  ['observe/'],
  ['types.ts', 'meta.ts'],
  ['compile/'],
  ['guard/'],
  ['tags/'],
  ['call/'],
  ['cached.ts', 'handle.ts', 'methods.ts', 'exports.ts', 'invalidate.ts', 'registry.ts', 'index.ts'],
  // The other entry points: easy-cache/otel (over the channels) and easy-cache/testing (the
  // published contract suite, run against any CacheInstance).
  ['otel/', 'testing/'],
];

/** The backends that are entry points of their own: none imports another. */
const BACKEND_FOLDERS = ['backends/memory/', 'backends/redis/', 'backends/memcached/'];

const MAX_LINES = 300;

/** The lib files that `file` imports (`import` and `export ... from`, type-only ones included). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const source = readFileSync(path.join(LIB, file), 'utf8');
  const targets: string[] = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']*)'/gm)) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1] as string));
    const target = [`${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
    if (!target) throw new Error(`${file}: cannot resolve import '${match[1]}'`);
    targets.push(target);
  }
  return targets;
}

function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) => layer.some((place) => (place.endsWith('/') ? file.startsWith(place) : file === place)));
  if (index === -1) throw new Error(`lib/${file} belongs to no layer: add its folder to LAYERS (and to docs/architecture.md)`);
  return index;
}

const files = libFiles();
const known = new Set(files);
const graph = new Map(files.map((file) => [file, importsOf(file, known)] as const));

describe('lib/ import directions', () => {
  it('finds the files and their imports', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get('cached.ts')).toContain('call/run-call.ts');
  });

  it.each(files)('%s imports only its own layer or lower ones', (file) => {
    const upward = (graph.get(file) ?? []).filter((target) => layerOf(target) > layerOf(file));
    expect(upward).toEqual([]);
  });

  it('no backend imports another backend', () => {
    const crossings = files.flatMap((file) => {
      const own = BACKEND_FOLDERS.find((folder) => file.startsWith(folder));
      if (!own) return [];
      return (graph.get(file) ?? []).filter((target) => BACKEND_FOLDERS.some((folder) => folder !== own && target.startsWith(folder))).map((target) => `${file} -> ${target}`);
    });
    expect(crossings).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'open') cycles.push([...trail.slice(trail.indexOf(target)), target].join(' -> '));
        else if (!state.has(target)) visit(target, [...trail, target]);
      }
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file, [file]);
    expect(cycles).toEqual([]);
  });

  it('easy-cache/otel sees the library only through its public API (index.ts)', () => {
    const deep = files
      .filter((file) => file.startsWith('otel/'))
      .flatMap((file) => (graph.get(file) ?? []).filter((target) => target !== 'index.ts' && !target.startsWith('otel/')).map((target) => `${file} -> ${target}`));
    expect(deep).toEqual([]);
  });

  it(`keeps every file under ${MAX_LINES} lines`, () => {
    const long = files.filter((file) => readFileSync(path.join(LIB, file), 'utf8').split('\n').length > MAX_LINES);
    expect(long).toEqual([]);
  });
});

describe('the checker itself', () => {
  it('sees an upward import as one', () => {
    expect(layerOf('call/run-call.ts')).toBeGreaterThan(layerOf('compile/compile-plan.ts'));
    expect(layerOf('backends/redis/redis-cache.ts')).toBeLessThan(layerOf('guard/guard.ts'));
  });
});
