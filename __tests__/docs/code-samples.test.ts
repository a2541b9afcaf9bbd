import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, SKIP_MARKER, checkSamples, extractSamples, findMarkdownFiles, type CodeSample } from "./sample-checker";

// A sample that must fail, checked in the same program as the real ones: it proves that the
// checker reports errors, and at the right markdown line.
const CANARY_MARKDOWN = [
  '# canary',
  '',
  '```ts',
  "import { cached } from 'easy-cache';",
  "const getUser = cached(async (id: number) => ({ id }), { cacheKey: 'user:{id}' });",
  "await getUser('not a number');",
  '```',
].join('\n');

describe('documentation code samples', () => {
  it('extracts ```ts and ```typescript blocks with their fence line, honouring the skip marker', () => {
    const markdown = ['# t', '```ts', 'const a = 1;', '```', '', SKIP_MARKER, '```typescript', 'pseudo code', '```', '```sh', '```ts', '```', '```js', 'x', '```'].join('\n');
    expect(extractSamples(markdown, 'x.md')).toEqual([
      { file: 'x.md', fenceLine: 2, code: 'const a = 1;', skipped: false },
      { file: 'x.md', fenceLine: 7, code: 'pseudo code', skipped: true },
    ]);
  });

  it('type-checks every sample of README.md and docs/ in one program, without a single error', () => {
    const files = findMarkdownFiles();
    const samples: CodeSample[] = files.flatMap((file) => extractSamples(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), file));
    expect(files).toEqual(expect.arrayContaining(['README.md', path.join('docs', 'getting-started.md'), path.join('docs', 'options.md')]));
    expect(samples.filter((sample) => !sample.skipped).length).toBeGreaterThan(20);

    const canary = extractSamples(CANARY_MARKDOWN, 'canary.md');
    const problems = checkSamples([...samples, ...canary]);
    const real = problems.filter((problem) => !problem.where.startsWith('canary.md'));
    const fromCanary = problems.filter((problem) => problem.where.startsWith('canary.md'));

    expect(real.map((problem) => `${problem.where}: ${problem.message}`)).toEqual([]);
    expect(fromCanary).toHaveLength(1);
    expect(fromCanary[0]?.where).toBe('canary.md:6:15');
    expect(fromCanary[0]?.message).toMatch(/not assignable to parameter of type 'number'/);
  }, 30_000);
});
