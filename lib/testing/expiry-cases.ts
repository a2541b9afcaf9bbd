import { strict as assert } from 'node:assert';
import { NOT_FOUND } from '../backends/backend';
import type { ContractSuite } from './contract-suite';

/** How long the expiry cases let pass: past 1 s timeouts, which Memcached rounds up to whole seconds. */
export const EXPIRY_WAIT_MS = 2100;

const realWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Expiry of set, setMany and add, and timeouts of 0 or less. The expiry cases write in a
 * `beforeAll`, let time pass once (`passTime`, else a real wait) and read everything back with one
 * `getMany`, so the whole suite pays for one wait. Writing, waiting and reading are three hooks, so
 * none comes near a framework's default time limit on a loaded machine.
 */
export function registerExpiryCases(suite: ContractSuite, passTime: (ms: number) => Promise<void> = realWait): void {
  const { runner, key } = suite;

  runner.describe('expiry', () => {
    const k = (name: string): string => key('expiry', name);
    const reads = new Map<string, unknown>();

    runner.beforeAll(async () => {
      const backend = suite.backend;
      await Promise.all([
        backend.set(k('set-1s'), 'short', 1),
        backend.set(k('set-fraction'), 'short', 0.5),
        backend.setMany(new Map([[k('many-1s-a'), 'a'], [k('many-1s-b'), undefined]]), 1),
        backend.add(k('add-1s'), 'first', 1),
        backend.set(k('add-after-expiry'), 'old', 1),
        backend.set(k('set-null'), 'forever', null),
        backend.set(k('set-default'), 'default', undefined),
        backend.set(k('set-long'), 'long', 60),
        backend.set(k('set-long-fraction'), 'long', 30.5),
        backend.set(k('set-over-30-days'), 'month', 31 * 24 * 3600),
        backend.setMany(new Map([[k('many-null'), 'forever']]), null),
        backend.set(k('refresh'), 'old', 1),
      ]);
      // Overwriting with a longer timeout must replace the earlier expiry.
      await backend.set(k('refresh'), 'new', 60);
    });
    runner.beforeAll(() => passTime(EXPIRY_WAIT_MS));
    runner.beforeAll(async () => {
      const names = [...reads.keys()];
      const found = await suite.backend.getMany(names.map(k));
      for (const name of names) reads.set(name, found.has(k(name)) ? found.get(k(name)) : NOT_FOUND);
    });

    // Registering the names up front lets beforeAll read them all with one getMany.
    const expectAfterWait = (name: string, expected: unknown): void => {
      reads.set(name, undefined);
      const shown = expected === NOT_FOUND ? 'NOT_FOUND' : JSON.stringify(expected);
      runner.it(`${name} reads ${shown} after ${EXPIRY_WAIT_MS} ms`, async () => {
        assert.equal(reads.get(name), expected);
      });
    };

    expectAfterWait('set-1s', NOT_FOUND);
    expectAfterWait('set-fraction', NOT_FOUND);
    expectAfterWait('many-1s-a', NOT_FOUND);
    expectAfterWait('many-1s-b', NOT_FOUND);
    expectAfterWait('add-1s', NOT_FOUND);
    expectAfterWait('set-null', 'forever');
    expectAfterWait('set-default', 'default');
    expectAfterWait('set-long', 'long');
    expectAfterWait('set-long-fraction', 'long');
    expectAfterWait('set-over-30-days', 'month');
    expectAfterWait('many-null', 'forever');
    expectAfterWait('refresh', 'new');

    runner.it('treats an expired entry as absent for get, add and delete', async () => {
      const backend = suite.backend;
      assert.equal(await backend.get(k('add-after-expiry')), NOT_FOUND);
      assert.equal(await backend.add(k('add-after-expiry'), 'new', 60), true);
      assert.equal(await backend.get(k('add-after-expiry')), 'new');
      assert.equal(await backend.add(k('add-1s'), 'again'), true);
      assert.equal(await backend.get(k('add-1s')), 'again');
    });
  });

  runner.describe('a timeout of 0 or less', () => {
    for (const timeout of [0, -1, -0.5]) {
      runner.it(`set with ${timeout} deletes the existing entry and stores nothing`, async () => {
        const k = key('zero-set', String(timeout));
        await suite.backend.set(k, 'there');
        await suite.backend.set(k, 'not stored', timeout);
        assert.equal(await suite.backend.get(k), NOT_FOUND);
        await suite.backend.set(k, 'not stored either', timeout);
        assert.equal(await suite.backend.get(k), NOT_FOUND);
      });
    }

    runner.it('setMany with 0 deletes every existing entry and stores nothing', async () => {
      const a = key('zero-many', 'a');
      const b = key('zero-many', 'b');
      await suite.backend.set(a, 'there');
      await suite.backend.setMany(new Map([[a, 1], [b, 2]]), 0);
      assert.equal((await suite.backend.getMany([a, b])).size, 0);
    });

    runner.it('add with 0 stores nothing and resolves false', async () => {
      const k = key('zero-add');
      assert.equal(await suite.backend.add(k, 'x', 0), false);
      assert.equal(await suite.backend.get(k), NOT_FOUND);
    });
  });
}
