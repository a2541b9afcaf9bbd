import { strict as assert } from 'node:assert';
import { NOT_FOUND } from '../backends/backend';
import type { ContractSuite } from './contract-suite';

/** `add` (atomic store-if-absent, which makes tags and locks safe between first writers), `delete` and the optional `deleteIfEquals`. */
export function registerAddDeleteCases(suite: ContractSuite): void {
  const { runner, key } = suite;

  runner.describe('add', () => {
    runner.it('stores only when the key is absent and says whether it stored', async () => {
      const k = key('add');
      assert.equal(await suite.backend.add(k, 'first'), true);
      assert.equal(await suite.backend.add(k, 'second'), false);
      assert.equal(await suite.backend.get(k), 'first');
    });

    runner.it('stores null and undefined as values that count as present', async () => {
      const n = key('add-null');
      const u = key('add-undefined');
      assert.equal(await suite.backend.add(n, null), true);
      assert.equal(await suite.backend.add(u, undefined), true);
      assert.equal(await suite.backend.add(n, 'x'), false);
      assert.equal(await suite.backend.add(u, 'x'), false);
      assert.equal(await suite.backend.get(n), null);
      assert.equal(await suite.backend.get(u), undefined);
    });

    runner.it('lets exactly one of several concurrent adds win', async () => {
      const k = key('add-race');
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => suite.backend.add(k, i)));
      assert.equal(results.filter(Boolean).length, 1, `exactly one add must resolve true; got ${JSON.stringify(results)}`);
      assert.equal(await suite.backend.get(k), results.indexOf(true));
    });

    runner.it('works again after a delete', async () => {
      const k = key('add-delete');
      await suite.backend.add(k, 1);
      await suite.backend.delete(k);
      assert.equal(await suite.backend.add(k, 2), true);
      assert.equal(await suite.backend.get(k), 2);
    });
  });

  runner.describe('deleteIfEquals (optional: a backend without it lets locks expire)', () => {
    runner.it('removes the key only while it holds the expected string, and then lets add store again', async () => {
      const backend = suite.backend;
      if (backend.deleteIfEquals === undefined) return;
      const k = key('delete-if-equals');
      assert.equal(await backend.add(k, 'token-a', 60), true);
      assert.equal(await backend.deleteIfEquals(k, 'token-b'), false);
      assert.equal(await backend.get(k), 'token-a');
      assert.equal(await backend.deleteIfEquals(k, 'token-a'), true);
      assert.equal(await backend.get(k), NOT_FOUND);
      assert.equal(await backend.deleteIfEquals(k, 'token-a'), false);
      assert.equal(await backend.add(k, 'token-c', 60), true);
    });
  });

  runner.describe('delete', () => {
    runner.it('removes the entry and resolves true when there was one', async () => {
      const k = key('delete');
      await suite.backend.set(k, { a: 1 });
      assert.equal(await suite.backend.delete(k), true);
      assert.equal(await suite.backend.get(k), NOT_FOUND);
    });

    runner.it('resolves a boolean for a key that holds nothing', async () => {
      assert.equal(typeof (await suite.backend.delete(key('delete-missing'))), 'boolean');
    });

    runner.it('leaves other keys alone', async () => {
      const a = key('delete-a');
      const b = key('delete-b');
      await suite.backend.setMany(new Map([[a, 1], [b, 2]]));
      await suite.backend.delete(a);
      assert.equal(await suite.backend.get(b), 2);
    });
  });
}
