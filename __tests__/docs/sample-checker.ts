import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** The repository root (this file lives in `__tests__/docs/`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

// Samples are served from memory at this (never created) folder, so `ioredis`, `memcached` and
// `@types/node` resolve from the repo's node_modules and nothing is written or left behind.
const SAMPLES_DIR = path.join(REPO_ROOT, '__tests__', 'docs', '.samples');

/** The line that, just before a fence, makes the checker skip the block. */
export const SKIP_MARKER = '<!-- sample: skip -->';

/** One ```ts or ```js block of a markdown page. */
export interface CodeSample {
  /** `js` blocks are checked too (with `checkJs`): as CommonJS when they `require`, else as an ES module. */
  readonly language: 'ts' | 'js';
  /** The markdown file, relative to the repo root. */
  readonly file: string;
  /** The 1-based line of the opening fence. */
  readonly fenceLine: number;
  readonly code: string;
  readonly skipped: boolean;
}

/** A compiler message, placed in the markdown it came from. */
export interface SampleDiagnostic {
  /** `file:line` of the markdown, or `(options)` for a problem with no file. */
  readonly where: string;
  readonly message: string;
}

const OPEN_FENCE = /^```(ts|typescript|js|javascript)\s*$/;
const CLOSE_FENCE = /^```\s*$/;

/** Every ```ts / ```typescript / ```js / ```javascript block of `markdown`, with the line of its fence and whether it opts out. */
export function extractSamples(markdown: string, file: string): CodeSample[] {
  const lines = markdown.split(/\r?\n/);
  const samples: CodeSample[] = [];
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const open = OPEN_FENCE.exec(line);
    if (open) {
      let end = i + 1;
      while (end < lines.length && !CLOSE_FENCE.test(lines[end] ?? '')) end++;
      const language = open[1]?.startsWith('j') ? 'js' : 'ts';
      samples.push({ language, file, fenceLine: i + 1, code: lines.slice(i + 1, end).join('\n'), skipped: previous === SKIP_MARKER });
      i = end;
      previous = '';
      continue;
    }
    // Fences of other languages are skipped whole, so their content is never taken for markdown.
    if (/^```/.test(line)) {
      while (++i < lines.length && !CLOSE_FENCE.test(lines[i] ?? ''));
      previous = '';
      continue;
    }
    if (line.trim() !== '') previous = line.trim();
  }
  return samples;
}

/** README.md and every page under docs/, relative to the repo root, sorted. */
export function findMarkdownFiles(root: string = REPO_ROOT): string[] {
  const found = fs.existsSync(path.join(root, 'README.md')) ? ['README.md'] : [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.md')) found.push(relative);
    }
  };
  if (fs.existsSync(path.join(root, 'docs'))) walk('docs');
  return found.sort();
}

/**
 * How a user's project compiles a sample: an ES module (`.mts`, or `"type": "module"`) or a
 * CommonJS one (`.cts`, or no `"type"`), both under `module: nodenext`, the setting TypeScript
 * recommends for Node.js. A sample that compiles in one and not the other would fail half the users.
 */
export type SampleMode = 'esm' | 'cjs';

export const SAMPLE_MODES: readonly SampleMode[] = ['esm', 'cjs'];

/**
 * Messages that only say "top-level await needs an ES module": a sample written with it is
 * checked whole as ES module, and the rest of it still as CommonJS.
 */
const TOP_LEVEL_AWAIT_ONLY_IN_ESM = new Set([1309, 1375, 1378, 1431, 1432]);

/** "Implicitly has an 'any' type": JavaScript users write no annotations, so their samples have none. */
const IMPLICIT_ANY = new Set([7005, 7006, 7008, 7031, 7034]);

/**
 * The compiler options of the samples: a user's strict nodenext project, with the package's entry
 * points mapped to their sources. Unused locals are allowed: a page often declares something that
 * the reader, not the page, goes on to use.
 */
export function sampleCompilerOptions(root: string = REPO_ROOT): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    paths: {
      'easy-cache': [path.join(root, 'lib', 'index.ts')],
      'easy-cache/redis': [path.join(root, 'lib', 'backends', 'redis', 'index.ts')],
      'easy-cache/memcached': [path.join(root, 'lib', 'backends', 'memcached', 'index.ts')],
      'easy-cache/testing': [path.join(root, 'lib', 'testing', 'index.ts')],
      'easy-cache/otel': [path.join(root, 'lib', 'otel', 'index.ts')],
    },
  };
}

/**
 * Type-checks every sample that does not opt out, once as an ES module and once as CommonJS (one
 * program each); returns the problems, placed in the markdown and tagged with the mode.
 */
export function checkSamples(samples: readonly CodeSample[], root: string = REPO_ROOT): SampleDiagnostic[] {
  return SAMPLE_MODES.flatMap((mode) => checkSamplesAs(mode, samples, root));
}

function checkSamplesAs(mode: SampleMode, samples: readonly CodeSample[], root: string): SampleDiagnostic[] {
  const virtual = new Map<string, CodeSample>();
  samples.forEach((sample, index) => {
    if (sample.skipped) return;
    if (sample.language === 'ts') virtual.set(path.join(SAMPLES_DIR, `sample-${index}.${mode === 'esm' ? 'mts' : 'cts'}`), sample);
    else if (jsModeOf(sample) === mode) virtual.set(path.join(SAMPLES_DIR, `sample-${index}.${mode === 'esm' ? 'mjs' : 'cjs'}`), sample);
  });
  const options = sampleCompilerOptions(root);
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file)?.code ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, shouldCreate) => {
    const sample = virtual.get(file);
    if (sample) return ts.createSourceFile(file, sample.code, language, true, sample.language === 'ts' ? ts.ScriptKind.TS : ts.ScriptKind.JS);
    return getSourceFile.call(host, file, language, onError, shouldCreate);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of virtual.keys()) {
    const source = program.getSourceFile(file);
    if (source) diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics
    .filter((diagnostic) => mode === 'esm' || !TOP_LEVEL_AWAIT_ONLY_IN_ESM.has(diagnostic.code))
    .filter((diagnostic) => !(IMPLICIT_ANY.has(diagnostic.code) && /\.[cm]js$/.test(diagnostic.file?.fileName ?? '')))
    .map((diagnostic) => place(diagnostic, virtual, mode));
}

/** A JavaScript sample that calls `require` is CommonJS; any other is an ES module. */
function jsModeOf(sample: CodeSample): SampleMode {
  return /\brequire\(/.test(sample.code) ? 'cjs' : 'esm';
}

function place(diagnostic: ts.Diagnostic, virtual: ReadonlyMap<string, CodeSample>, mode: SampleMode): SampleDiagnostic {
  const message = `[${mode}] ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  const sample = diagnostic.file ? virtual.get(diagnostic.file.fileName) : undefined;
  if (!diagnostic.file || !sample || diagnostic.start === undefined) return { where: diagnostic.file?.fileName ?? '(options)', message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { where: `${sample.file}:${sample.fenceLine + line + 1}:${character + 1}`, message };
}
