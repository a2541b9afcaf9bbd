import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, SKIP_MARKER, checkSamples, extractSamples, findMarkdownFiles, type CodeSample } from "./sample-checker";

// Samples that must fail, checked in the same programs as the real ones: they prove that the
// checker reports errors, at the right markdown line, and that a CommonJS `require` is typed.
const CANARY_MARKDOWN = [
  '# canary',
  '',
  '```ts',
  "import { cached } from 'easy-cache';",
  "const getUser = cached(async (id: number) => ({ id }), { cacheKey: 'user:{id}' });",
  "await getUser('not a number');",
  '```',
  '',
  '```js',
  "const { cached } = require('easy-cache');",
  'cached(async () => 1, { cacheKey: 42 });',
  '```',
].join('\n');

describe('documentation code samples', () => {
  it('extracts ```ts, ```typescript and ```js blocks with their fence line, honouring the skip marker', () => {
    const markdown = ['# t', '```ts', 'const a = 1;', '```', '', SKIP_MARKER, '```typescript', 'pseudo code', '```', '```sh', '```ts', '```', '```js', 'x', '```'].join('\n');
    expect(extractSamples(markdown, 'x.md')).toEqual([
      { language: 'ts', file: 'x.md', fenceLine: 2, code: 'const a = 1;', skipped: false },
      { language: 'ts', file: 'x.md', fenceLine: 7, code: 'pseudo code', skipped: true },
      { language: 'js', file: 'x.md', fenceLine: 13, code: 'x', skipped: false },
    ]);
  });

  it('type-checks every sample of README.md and docs/ as an ES module and as CommonJS under nodenext, without a single error', () => {
    const files = findMarkdownFiles();
    const samples: CodeSample[] = files.flatMap((file) => extractSamples(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), file));
    expect(files).toEqual(expect.arrayContaining(['README.md', path.join('docs', 'getting-started.md'), path.join('docs', 'options.md')]));
    expect(samples.filter((sample) => !sample.skipped).length).toBeGreaterThan(20);

    const canary = extractSamples(CANARY_MARKDOWN, 'canary.md');
    const problems = checkSamples([...samples, ...canary]);
    const real = problems.filter((problem) => !problem.where.startsWith('canary.md'));
    const fromCanary = problems.filter((problem) => problem.where.startsWith('canary.md'));

    expect(real.map((problem) => `${problem.where}: ${problem.message}`)).toEqual([]);
    // The TypeScript one once per mode (its top-level await is no error in the CommonJS check); the require once, as CommonJS.
    expect(fromCanary.map((problem) => `${problem.where} ${problem.message.slice(0, 5)}`)).toEqual([
      'canary.md:6:15 [esm]',
      'canary.md:6:15 [cjs]',
      'canary.md:11:25 [cjs]',
    ]);
    expect(fromCanary[0]?.message).toMatch(/not assignable to parameter of type 'number'/);
    expect(fromCanary[1]?.message).toMatch(/not assignable to parameter of type 'number'/);
    expect(fromCanary[2]?.message).toMatch(/Type 'number' is not assignable to type 'string \| readonly string\[\]/);
  }, 60_000);
});
