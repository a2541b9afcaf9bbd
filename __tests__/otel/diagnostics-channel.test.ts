/**
 * SPEC 11.7 without easy-cache/otel: a fresh process that subscribes with `node:diagnostics_channel`
 * alone sees every call on `easy-cache:call` (start, end, asyncStart, asyncEnd, and error for a
 * failed call) with its function, key and outcome, and every event on `easy-cache:event`.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

interface Report {
  seen: { phase: string; function: string; key: string; outcome: string | undefined; staleReason: string | undefined; error: string | undefined }[];
  events: string[];
  backendCalls: string[];
}

describe('easy-cache:call and easy-cache:event in a fresh process', () => {
  let report: Report;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [TS_NODE, '--transpile-only', path.join(__dirname, 'channel-subscriber.ts')], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Report;
  }, 90_000);

  it('sees each call settle with its outcome: miss, hit, stale, error', () => {
    const settled = report.seen.filter((message) => message.phase === 'asyncEnd');
    expect(settled.map(({ key, outcome, staleReason }) => ({ key, outcome, staleReason }))).toEqual([
      { key: 'book:1', outcome: 'miss', staleReason: undefined },
      { key: 'book:1', outcome: 'hit', staleReason: undefined },
      { key: 'book:1', outcome: 'stale', staleReason: 'error' },
      { key: 'book:2', outcome: 'error', staleReason: undefined },
    ]);
    for (const message of report.seen) expect(message.function).toBe('cached(anonymous function)');
  });

  it('sees the phases of every call in order, and an error only for the failed one', () => {
    const phases = report.seen.map((message) => `${message.key}:${message.phase}`);
    expect(phases.filter((phase) => phase.endsWith(':start'))).toHaveLength(4);
    expect(report.seen.filter((message) => message.phase === 'error')).toEqual([expect.objectContaining({ key: 'book:2', outcome: 'error', error: 'no book 2' })]);
    // Each call: start, end (synchronous part), then asyncStart and asyncEnd once it settles.
    for (let call = 0; call < 3; call++) {
      expect(report.seen.slice(call * 4, call * 4 + 4).map((message) => message.phase)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    }
    expect(report.seen.slice(12).map((message) => message.phase)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
  });

  it('sees the events of those calls, and the backend calls they made', () => {
    expect(report.events).toEqual(['miss', 'set', 'hit', 'stale', 'miss']);
    expect(report.backendCalls).toEqual(['set']);
  });
});
