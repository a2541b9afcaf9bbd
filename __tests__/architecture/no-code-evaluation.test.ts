/**
 * SPEC 3: key templates are compiled once and never evaluated as code. No file of lib/ turns text
 * into JavaScript: no `eval(...)`, no `new Function(...)`, no `node:vm`. A Redis client's `.eval(`
 * (the EVAL command: a fixed Lua script run by the server, as the lock's compare-and-delete) is a
 * method call and runs nothing in this process.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LIB, libFiles } from '../helpers/lib-files';

/** JavaScript evaluation: the global `eval` (not a method), the Function constructor, the vm module. */
const EVALUATION = [/(?<![.\w$])eval\s*\(/, /\bnew\s+Function\s*\(/, /(?<![.\w$])Function\s*\(\s*['"`]/, /['"](?:node:)?vm['"]/];

/** The lines of `source` that evaluate code, with their numbers. */
function evaluatingLines(source: string): string[] {
  return source.split('\n').flatMap((line, index) => (EVALUATION.some((pattern) => pattern.test(line)) ? [`${index + 1}: ${line.trim()}`] : []));
}

describe('lib/ evaluates no code', () => {
  it('has no eval, Function constructor or vm in any file', () => {
    const found = libFiles().flatMap((file) => evaluatingLines(readFileSync(path.join(LIB, file), 'utf8')).map((line) => `${file}:${line}`));
    expect(found).toEqual([]);
  });

  it('sees each form of evaluation, and not a Redis client calling EVAL', () => {
    expect(evaluatingLines('const f = eval(text);')).toHaveLength(1);
    expect(evaluatingLines('const f = new Function("a", body);')).toHaveLength(1);
    expect(evaluatingLines('const f = Function("return 1");')).toHaveLength(1);
    expect(evaluatingLines("import { runInNewContext } from 'node:vm';")).toHaveLength(1);
    expect(evaluatingLines('return client.eval(SCRIPT, 1, key, text);')).toEqual([]);
  });
});
