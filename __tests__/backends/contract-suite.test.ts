import { MemoryCache } from '../../lib/backends/memory/memory-cache';
import { CacheConfigError } from '../../lib/errors';
import { describeBackendContract, type TestBody, type TestRunner } from '../../lib/testing';
import type { CacheInstance } from '../../lib';

// easy-cache/testing run through a runner of its own (the `runner` option, no jest globals), so
// the suite's verdicts can be read: a sound backend passes every case, a broken one fails the
// cases that describe what it breaks, and nothing else.

interface Group {
  readonly name: string;
  readonly before: TestBody[];
  readonly after: TestBody[];
  readonly children: Array<Group | { readonly name: string; readonly body: TestBody }>;
}

/** A runner that records the suite, then runs it in order and returns the names of the failed cases. */
function recordingRunner(): { runner: TestRunner; run: () => Promise<string[]> } {
  const root: Group = { name: '', before: [], after: [], children: [] };
  let current = root;
  const runner: TestRunner = {
    describe(name, body) {
      const group: Group = { name, before: [], after: [], children: [] };
      current.children.push(group);
      const parent = current;
      current = group;
      body();
      current = parent;
    },
    it: (name, body) => current.children.push({ name, body }),
    beforeAll: (body) => current.before.push(body),
    afterAll: (body) => current.after.push(body),
  };
  const failed: string[] = [];
  const runGroup = async (group: Group, path: string): Promise<void> => {
    for (const hook of group.before) await hook();
    for (const child of group.children) {
      const name = `${path}${child.name}`;
      if ('body' in child) await child.body().catch(() => failed.push(name));
      else await runGroup(child, `${name} > `);
    }
    for (const hook of group.after) await hook();
  };
  return { runner, run: () => runGroup(root, '').then(() => failed) };
}

/** Runs the contract on `make()` with a clock the suite moves; the names of the failed cases. */
async function verdict(make: (now: () => number) => CacheInstance): Promise<string[]> {
  const { runner, run } = recordingRunner();
  let skipped = 0;
  describeBackendContract('under test', () => make(() => Date.now() + skipped), {
    runner,
    passTime: async (ms) => void (skipped += ms),
  });
  return run();
}

/** A MemoryCache whose `add` always stores: not atomic, as a careless backend would be. */
class OverwritingAdd extends MemoryCache {
  override async add(key: string, value: unknown, timeout?: number | null): Promise<boolean> {
    await this.set(key, value, timeout);
    return true;
  }
}

/** A MemoryCache whose `setSync` drops the timeout: a timeout of 0 stores instead of deleting. */
class SetSyncWithoutTimeout extends MemoryCache {
  override setSync(key: string, value: unknown): void {
    super.setSync(key, value);
  }
}

describe('easy-cache/testing', () => {
  it('passes every case on a sound backend, through the runner it is given', async () => {
    expect(await verdict((now) => new MemoryCache({ now }))).toEqual([]);
  });

  it('fails exactly the cases of add on a backend whose add overwrites', async () => {
    const failed = await verdict((now) => new OverwritingAdd({ now }));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((name) => /\badd/.test(name))).toBe(true);
    expect(failed).toContain('under test: CacheInstance contract > add > lets exactly one of several concurrent adds win');
  });

  it('fails the round trips of values a backend keeps by reference', async () => {
    const failed = await verdict((now) => new MemoryCache({ now, copy: false }));
    expect(failed).toContain('under test: CacheInstance contract > hands out values that do not share state with what is stored');
    expect(failed).toContain('under test: CacheInstance contract > round-trips values through set/get > a class instance (as a plain object)');
  });

  it('fails exactly the setSync case on a backend whose setSync disagrees with set', async () => {
    expect(await verdict((now) => new SetSyncWithoutTimeout({ now }))).toEqual([
      'under test: CacheInstance contract > getSync and setSync (optional: the core then reads and writes without a Promise) > setSync keeps no link to the value it was given, and a timeout of 0 deletes',
    ]);
  });

  it('without jest globals or a runner, names what is missing', () => {
    const saved = globalThis.describe;
    try {
      (globalThis as { describe?: unknown }).describe = undefined;
      expect(() => describeBackendContract('x', () => new MemoryCache())).toThrow(CacheConfigError);
      expect(() => describeBackendContract('x', () => new MemoryCache())).toThrow(/found no test functions .* option "runner"/);
    } finally {
      globalThis.describe = saved;
    }
    const incomplete = { describe: () => undefined, it: () => undefined } as unknown as TestRunner;
    expect(() => describeBackendContract('x', () => new MemoryCache(), { runner: incomplete })).toThrow(
      'describeBackendContract(): option "runner" must have the functions describe, it, beforeAll and afterAll; missing beforeAll, afterAll',
    );
  });
});
