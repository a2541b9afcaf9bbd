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

/** One ```ts block of a markdown page. */
export interface CodeSample {
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

const OPEN_FENCE = /^```(ts|typescript)\s*$/;
const CLOSE_FENCE = /^```\s*$/;

/** Every ```ts / ```typescript block of `markdown`, with the line of its fence and whether it opts out. */
export function extractSamples(markdown: string, file: string): CodeSample[] {
  const lines = markdown.split(/\r?\n/);
  const samples: CodeSample[] = [];
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (OPEN_FENCE.test(line)) {
      let end = i + 1;
      while (end < lines.length && !CLOSE_FENCE.test(lines[end] ?? '')) end++;
      samples.push({ file, fenceLine: i + 1, code: lines.slice(i + 1, end).join('\n'), skipped: previous === SKIP_MARKER });
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
 * The compiler options of the samples: the repo's strict set, ES modules so that samples may use
 * top-level `await`, and the package's entry points mapped to their sources. Unused locals are
 * allowed: a page often declares something that the reader, not the page, goes on to use.
 */
export function sampleCompilerOptions(root: string = REPO_ROOT): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    isolatedModules: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    paths: {
      'easy-cache': [path.join(root, 'lib', 'index.ts')],
      'easy-cache/redis': [path.join(root, 'lib', 'backends', 'redis', 'index.ts')],
      'easy-cache/memcached': [path.join(root, 'lib', 'backends', 'memcached', 'index.ts')],
      'easy-cache/testing': [path.join(root, 'lib', 'testing', 'index.ts')],
    },
  };
}

/** Type-checks every sample that does not opt out, in one program; returns the problems, placed in the markdown. */
export function checkSamples(samples: readonly CodeSample[], root: string = REPO_ROOT): SampleDiagnostic[] {
  const virtual = new Map<string, CodeSample>();
  samples.forEach((sample, index) => {
    if (!sample.skipped) virtual.set(path.join(SAMPLES_DIR, `sample-${index}.ts`), sample);
  });
  const options = sampleCompilerOptions(root);
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file)?.code ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, shouldCreate) => {
    const sample = virtual.get(file);
    if (sample) return ts.createSourceFile(file, sample.code, language, true, ts.ScriptKind.TS);
    return getSourceFile.call(host, file, language, onError, shouldCreate);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of virtual.keys()) {
    const source = program.getSourceFile(file);
    if (source) diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.map((diagnostic) => place(diagnostic, virtual));
}

function place(diagnostic: ts.Diagnostic, virtual: ReadonlyMap<string, CodeSample>): SampleDiagnostic {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const sample = diagnostic.file ? virtual.get(diagnostic.file.fileName) : undefined;
  if (!diagnostic.file || !sample || diagnostic.start === undefined) return { where: diagnostic.file?.fileName ?? '(options)', message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { where: `${sample.file}:${sample.fenceLine + line + 1}:${character + 1}`, message };
}
