import { strict as assert } from 'node:assert';
import { NOT_FOUND } from '../backends/backend';
import { SerializationError } from '../errors';
import type { ContractSuite } from './contract-suite';
import { awkwardKeySuffixes, unstorableCases } from './contract-values';

/** Keys a naive backend would mangle, and values no backend may store. */
export function registerKeysAndRefusalsCases(suite: ContractSuite): void {
  const { runner, key } = suite;

  runner.describe('keys', () => {
    runner.it('keeps keys that differ only in whitespace, control characters, ":", unicode or length apart', async () => {
      const suffixes = awkwardKeySuffixes();
      const keys = suffixes.map((s) => key('awkward', s));
      await Promise.all(keys.map((k, i) => suite.backend.set(k, i)));
      for (const [i, k] of keys.entries()) assert.equal(await suite.backend.get(k), i, `get of key suffix ${JSON.stringify(suffixes[i])}`);
      const found = await suite.backend.getMany(keys);
      assert.deepStrictEqual(keys.map((k) => found.get(k)), suffixes.map((_, i) => i));
    });

    runner.it('round-trips awkward keys through add and delete', async () => {
      const k = key('awkward-add', 'a b\nc:d-\uD800-日本');
      assert.equal(await suite.backend.add(k, 1), true);
      assert.equal(await suite.backend.add(k, 2), false);
      assert.equal(await suite.backend.delete(k), true);
      assert.equal(await suite.backend.get(k), NOT_FOUND);
    });
  });

  runner.describe('values that cannot be stored', () => {
    for (const [label, value] of unstorableCases()) {
      runner.it(`set of ${label} rejects with SerializationError and stores nothing`, async () => {
        const k = key('unstorable', label);
        await assert.rejects(() => suite.backend.set(k, value), SerializationError);
        assert.equal(await suite.backend.get(k), NOT_FOUND);
        await assert.rejects(() => suite.backend.add(k, value), SerializationError);
        assert.equal(await suite.backend.get(k), NOT_FOUND);
      });
    }

    runner.it('setMany with one bad value rejects and stores none of the entries', async () => {
      const good = key('unstorable-many', 'good');
      const bad = key('unstorable-many', 'bad');
      await assert.rejects(() => suite.backend.setMany(new Map<string, unknown>([[good, 1], [bad, () => 1]])), SerializationError);
      assert.equal((await suite.backend.getMany([good, bad])).size, 0);
    });

    runner.it('rejects a cyclic value with SerializationError', async () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      await assert.rejects(() => suite.backend.set(key('cyclic'), cyclic), SerializationError);
    });
  });
}
