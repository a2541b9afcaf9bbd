import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

// `npm run docs` (TypeDoc, docs/typedoc.json, warnings are errors) built into a scratch folder and
// read: a landing page that points at `cached` and the guides, the guides rendered and linked,
// functions listed before type aliases, and `@default` values shown as text, not code blocks.

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(REPO_ROOT, '.scratch', `api-reference-${process.pid}`);
const TYPEDOC = path.join(REPO_ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

const read = (file: string): string => fs.readFileSync(path.join(OUT, file), 'utf8');

describe('the API reference', () => {
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [TYPEDOC, '--options', 'docs/typedoc.json', '--out', OUT], { cwd: REPO_ROOT, timeout: 170_000 });
  }, 180_000);
  afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

  it('lands on an overview that links cached, the helpers and the guides', () => {
    const index = read('index.html');
    expect(index).toContain('easy-cache API reference');
    expect(index).toContain('href="functions/easy-cache.cached.html"');
    expect(index).toContain('href="functions/easy-cache.invalidateCacheTags.html"');
    expect(index).toContain('href="documents/getting-started.html"');
    expect(index).toContain('href="classes/easy-cache_redis.RedisCache.html"');
  });

  it('renders the guides, with links between them that stay inside the reference', () => {
    const guide = read('documents/getting-started.html');
    expect(guide).toContain('A complete service in one page');
    expect(guide).toContain('href="keys.html"');
    expect(guide).toContain('href="backends_redis.html"');
    expect(guide).not.toMatch(/href="[^"]+\.md"/);
  });

  it('lists functions first and type aliases after classes and interfaces', () => {
    const module = read('modules/easy-cache.html');
    const at = (title: string) => module.indexOf(`>${title}<`);
    expect(at('Functions')).toBeGreaterThan(-1);
    expect(at('Functions')).toBeLessThan(at('Variables'));
    expect(at('Variables')).toBeLessThan(at('Classes'));
    expect(at('Interfaces')).toBeLessThan(at('Type Aliases'));
  });

  it('shows defaults as text', () => {
    const options = read('interfaces/easy-cache.MemoryCacheOptions.html');
    const defaults = [...options.matchAll(/<div class="tsd-tag-default">([\s\S]*?)<\/div>/g)].map((match) => match[1] ?? '');
    expect(defaults.length).toBeGreaterThan(3);
    for (const block of defaults) expect(block).not.toContain('<pre>');
    expect(defaults.some((block) => block.includes('<p>10000</p>'))).toBe(true);
  });
});
