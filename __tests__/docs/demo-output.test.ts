import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

// `npm run demo` (docs/examples/demo.ts), read as a newcomer reads it: sections in order, every
// HIT and MISS with its key and its reason, and totals that add up to the lines above them.

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const DEMO = path.join(REPO_ROOT, 'docs', 'examples', 'demo.ts');

async function runDemo(): Promise<string[]> {
  const env = { ...process.env };
  delete env.EASY_CACHE_DEBUG;
  const { stdout } = await promisify(execFile)(process.execPath, [TS_NODE, '--transpile-only', DEMO], { cwd: REPO_ROOT, env, timeout: 60_000 });
  return stdout.split('\n');
}

describe('the demo', () => {
  let lines: string[] = [];
  beforeAll(async () => {
    lines = await runDemo(); // rejects, failing every test, when the demo exits with an error
  }, 60_000);

  it('tells its story in numbered sections, each saying what it does before its calls', () => {
    const sections = lines.filter((line) => /^\d+\. /.test(line));
    expect(sections.map((line) => Number(line.split('.')[0]))).toEqual([1, 2, 3, 4]);
    for (const section of sections) expect(section.length).toBeGreaterThan(60);
    const firstSection = lines.findIndex((line) => line.startsWith('1. '));
    const firstCall = lines.findIndex((line) => /^ {2}(HIT|MISS) /.test(line));
    expect(firstSection).toBeGreaterThanOrEqual(0);
    expect(firstCall).toBeGreaterThan(firstSection);
  });

  it('gives every HIT and MISS its key and the reason it is a hit or a miss, and none is unexpected', () => {
    expect(lines.join('\n')).not.toContain('UNEXPECTED');
    const calls = lines.filter((line) => /^ {2}(HIT|MISS|RUN) /.test(line));
    expect(calls.length).toBeGreaterThan(10);
    for (const line of calls) {
      const [, outcome, key, reason] = /^ {2}(HIT|MISS|RUN) +(\S+) +(.*)$/.exec(line) ?? [];
      expect({ line, outcome, key: /^[\w:-]+$/.test(key ?? '') }).toEqual({ line, outcome: expect.any(String) as string, key: true });
      expect(reason?.length ?? 0).toBeGreaterThan(15);
    }
    // Hits say what stored the value, misses why nothing (or nothing valid) was there.
    for (const line of calls.filter((call) => call.startsWith('  HIT'))) expect(line).toMatch(/stored|kept/);
    for (const line of calls.filter((call) => call.startsWith('  MISS'))) expect(line).toMatch(/first read|dropped|deleted/);
  });

  it('prints totals that add up to the lines above them', () => {
    const count = (outcome: string) => lines.filter((line) => line.startsWith(`  ${outcome} `)).length;
    const text = lines.join('\n');
    const [, calls, hits, misses, refreshes] = /(\d+) calls = (\d+) hits \+ (\d+) misses \+ (\d+) refresh/.exec(text)?.map(Number) ?? [];
    expect({ hits, misses, refreshes }).toEqual({ hits: count('HIT'), misses: count('MISS'), refreshes: count('RUN') });
    expect(calls).toBe(count('HIT') + count('MISS') + count('RUN'));
    const [, ran, ranMisses, ranRefreshes, without] = /query ran (\d+) times = (\d+) misses \+ (\d+) refresh; without the cache it would have run (\d+) times/.exec(text)?.map(Number) ?? [];
    expect({ ran, ranMisses, ranRefreshes, without }).toEqual({ ran: count('MISS') + count('RUN'), ranMisses: count('MISS'), ranRefreshes: count('RUN'), without: calls });
    const [, savedHits, savedQueries, queryMs, savedMs] = /The (\d+) hits saved (\d+) queries of (\d+) ms: (\d+) ms/.exec(text)?.map(Number) ?? [];
    expect(savedHits).toBe(count('HIT'));
    expect(savedQueries).toBe(count('HIT'));
    expect(savedMs).toBe((savedQueries ?? 0) * (queryMs ?? 0));
  });
});
