import { strict as assert } from 'node:assert';
import { NOT_FOUND, type EntryRewrite } from '../backends/backend';
import type { ContractSuite } from './contract-suite';

/** The optional `rewrite` (an entry rewritten from what it holds; a soft key invalidation uses it). */
export function registerRewriteCases(suite: ContractSuite): void {
  const { runner, key } = suite;

  runner.describe('rewrite (optional: without it the core reads, then writes)', () => {
    runner.it('writes what `change` makes of the value held, and resolves true', async () => {
      const backend = suite.backend;
      if (backend.rewrite === undefined) return;
      const k = key('rewrite');
      await backend.set(k, { n: 1, tags: ['a'] }, 60);
      const seen: unknown[] = [];
      const written = await backend.rewrite(k, (stored): EntryRewrite => {
        seen.push(stored);
        return { value: { n: (stored as { n: number }).n + 1, tags: ['a', 'b'] }, timeout: 60 };
      });
      assert.equal(written, true);
      assert.deepEqual(seen, [{ n: 1, tags: ['a'] }]);
      assert.deepEqual(await backend.get(k), { n: 2, tags: ['a', 'b'] });
    });

    runner.it("hands `change` NOT_FOUND for a missing key; 'keep' and 'delete' leave it missing, a value stores it", async () => {
      const backend = suite.backend;
      if (backend.rewrite === undefined) return;
      const k = key('rewrite-missing');
      const seen: unknown[] = [];
      for (const next of ['keep', 'delete'] as const) {
        assert.equal(await backend.rewrite(k, (stored) => (seen.push(stored), next)), true);
        assert.equal(await backend.get(k), NOT_FOUND);
      }
      assert.equal(await backend.rewrite(k, (stored) => (seen.push(stored), { value: 'made', timeout: 60 })), true);
      assert.deepEqual(seen, [NOT_FOUND, NOT_FOUND, NOT_FOUND]);
      assert.equal(await backend.get(k), 'made');
    });

    runner.it("leaves the value with 'keep' and removes it with 'delete'", async () => {
      const backend = suite.backend;
      if (backend.rewrite === undefined) return;
      const k = key('rewrite-keep-delete');
      await backend.set(k, 'held', 60);
      assert.equal(await backend.rewrite(k, () => 'keep'), true);
      assert.equal(await backend.get(k), 'held');
      assert.equal(await backend.rewrite(k, () => 'delete'), true);
      assert.equal(await backend.get(k), NOT_FOUND);
    });
  });
}
