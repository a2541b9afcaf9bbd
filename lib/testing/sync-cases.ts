import { strict as assert } from 'node:assert';
import { NOT_FOUND, NOT_HELD } from '../backends/backend';
import { SerializationError } from '../errors';
import { assertSame } from './assert-same';
import type { ContractSuite } from './contract-suite';
import { roundTripCases } from './contract-values';

/**
 * The optional members that answer without a Promise (`getSync`, `setSync`): when a backend has
 * them, they must agree with `get` and `set`, since the core uses them in their place.
 */
export function registerSyncCases(suite: ContractSuite): void {
  const { runner, key } = suite;

  runner.describe('getSync and setSync (optional: the core then reads and writes without a Promise)', () => {
    runner.it('setSync stores what get reads, and getSync reads what set stored', async () => {
      const { backend } = suite;
      for (const [label, value, expected] of roundTripCases()) {
        if (backend.setSync !== undefined) {
          const k = key('set-sync', label);
          backend.setSync(k, value);
          assertSame(await backend.get(k), expected, `setSync, then get: ${label}`);
        }
        if (backend.getSync !== undefined) {
          const k = key('get-sync', label);
          await backend.set(k, value);
          const read = backend.getSync(k);
          // A near tier may not hold what it did not read itself: it says so, and `get` answers.
          if (read !== NOT_HELD) assertSame(read, expected, `set, then getSync: ${label}`);
        }
      }
    });

    runner.it('getSync of a key never written is NOT_FOUND (or NOT_HELD)', async () => {
      const { backend } = suite;
      if (backend.getSync === undefined) return;
      const read = backend.getSync(key('get-sync-never-written'));
      assert.ok(read === NOT_FOUND || read === NOT_HELD, 'getSync of a missing key must be NOT_FOUND or NOT_HELD');
    });

    runner.it('setSync keeps no link to the value it was given, and a timeout of 0 deletes', async () => {
      const { backend } = suite;
      if (backend.setSync === undefined) return;
      const k = key('set-sync-own');
      const value = { list: [1] };
      backend.setSync(k, value);
      value.list.push(2);
      assert.deepStrictEqual(await backend.get(k), { list: [1] });
      backend.setSync(k, 'kept', 0);
      assert.equal(await backend.get(k), NOT_FOUND);
    });

    runner.it('setSync of a value that cannot be stored throws SerializationError and stores nothing', async () => {
      const { backend } = suite;
      if (backend.setSync === undefined) return;
      const k = key('set-sync-unstorable');
      assert.throws(() => backend.setSync?.(k, () => 1), SerializationError);
      assert.equal(await backend.get(k), NOT_FOUND);
    });
  });
}
