/**
 * easy-cache/otel subscribes to the channel objects easy-cache publishes on
 * (`easyCacheChannels()`), not to lookups by name, which Node 20 can split: in a fresh process
 * that reproduces the race (channel-race.ts), the instrumentation still records the call. Test
 * runners that load the library again per test file meet this race by chance, after a collection.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

describe('easy-cache/otel after a channel of the same name died (nodejs/node#59910)', () => {
  it('records the call, where a lookup by name finds a channel nobody publishes on', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', TS_NODE, '--transpile-only', path.join(__dirname, 'channel-race.ts')], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { split: boolean; callSpans: string[] };
    // The race happened: Node 20 (this project's runtime) has it, and the script reproduces it.
    expect(report.split).toBe(true);
    expect(report.callSpans).toEqual(['easy_cache.call cached(anonymous function)']);
  }, 90_000);
});
