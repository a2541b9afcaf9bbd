/**
 * No test file is committed with a focused test: `.only` (or jest's `fit` / `fdescribe`) would
 * silently skip every other test of its file, and the run would still pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const TESTS_ROOT = path.resolve(__dirname, '..');

const FOCUSED = /\b(?:describe|it|test)\.only\(|\bf(?:it|describe)\(/;

/** Every TypeScript file under `dir`, as paths relative to the tests' root. */
function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(TESTS_ROOT, full)] : [];
  });
}

describe('the test suite', () => {
  it('has no focused test (.only, fit, fdescribe)', () => {
    // This file names focused tests in its own examples.
    const files = typeScriptFiles(TESTS_ROOT).filter((file) => file !== path.relative(TESTS_ROOT, __filename));
    expect(files.length).toBeGreaterThan(40);
    const focused = files.flatMap((file) =>
      readFileSync(path.join(TESTS_ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (FOCUSED.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(focused).toEqual([]);
  });

  it('recognises a focused test when it sees one', () => {
    // Built from parts, so that this file never holds a focused call itself.
    const focusedLines = ['it', 'describe', 'test'].map((name) => `${name}.only('x', f);`);
    for (const line of [...focusedLines, "fit('x', f);", "fdescribe('x', f);"]) {
      expect(FOCUSED.test(line)).toBe(true);
    }
    for (const line of ["it('only once', f);", 'const profit = 1;', "it.each([1])('x', f);"]) {
      expect(FOCUSED.test(line)).toBe(false);
    }
  });
});
