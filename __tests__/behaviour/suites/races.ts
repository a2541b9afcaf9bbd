import { cached, invalidateCacheTags } from '../../../lib';
import { deferred, waitFor } from '../../helpers/deferred';
import { freshNamespace, type BackendFactory } from './backend-factory';

/** Single flight and invalidations that land while a value is computed, on the backend `backend()` gives. */
export function describeRaces(backend: BackendFactory): void {
  describe('single flight and races', () => {
    it('runs the function once for concurrent misses of one key', async () => {
      const ns = freshNamespace();
      const gate = deferred();
      let runs = 0;
      const slow = cached(
        async (id: number) => {
          runs++;
          await gate.promise;
          return id * 10;
        },
        { cacheKey: `${ns}:slow:{id}`, cacheInstance: backend() },
      );
      const calls = Array.from({ length: 50 }, () => slow(1));
      const other = slow(2);
      await waitFor(() => runs === 2);
      gate.resolve();
      expect(await Promise.all(calls)).toEqual(Array(50).fill(10));
      expect(await other).toBe(20);
      expect(runs).toBe(2);
    });

    it('gives every waiter the function’s error and caches nothing', async () => {
      const ns = freshNamespace();
      const gate = deferred();
      let runs = 0;
      let misses = 0;
      const flaky = cached(
        async () => {
          runs++;
          await gate.promise;
          if (runs === 1) throw new Error('boom');
          return 'ok';
        },
        { cacheKey: `${ns}:flaky`, cacheInstance: backend(), onEvent: (event) => void (event.type === 'miss' && (misses += 1)) },
      );
      const calls = [flaky(), flaky(), flaky()];
      // Every call has read its miss and joined the run (it joins right after its miss event). On a
      // server the second and third reads may be answered well after the first: opened before, the
      // failed run would be gone and a late call would run the function again.
      await waitFor(() => runs === 1 && misses === 3, 0);
      gate.resolve();
      for (const call of calls) await expect(call).rejects.toThrow('boom');
      expect(await flaky()).toBe('ok');
      expect(runs).toBe(2);
    });

    it('does not let a tag invalidation during the computation be hidden by its value', async () => {
      const ns = freshNamespace();
      let price = 10;
      const gate = deferred();
      let pause = true;
      let runs = 0;
      const getPrice = cached(
        async (id: number) => {
          runs++;
          const seen = price;
          if (pause) await gate.promise;
          return { id, price: seen };
        },
        { cacheKey: `${ns}:price:{id}`, tags: [`${ns}:product:{id}`], cacheInstance: backend() },
      );
      const first = getPrice(1);
      await waitFor(() => runs === 1);
      price = 12;
      await invalidateCacheTags(`${ns}:product:1`, { cacheInstance: backend() });
      pause = false;
      gate.resolve();
      expect(await first).toEqual({ id: 1, price: 10 });
      expect(await getPrice(1)).toEqual({ id: 1, price: 12 });
    });

    it('does not store a value computed before a key invalidation, nor let later calls join it', async () => {
      const ns = freshNamespace();
      let stock = 5;
      const gates = [deferred(), deferred()];
      let runs = 0;
      const getStock = cached(
        async () => {
          const seen = stock;
          await gates[runs++]?.promise;
          return seen;
        },
        { cacheKey: `${ns}:stock`, cacheInstance: backend() },
      );
      const before = getStock();
      await waitFor(() => runs === 1);
      stock = 4;
      await getStock.invalidateCacheByKey();
      const after = getStock();
      await waitFor(() => runs === 2);
      gates[0]?.resolve();
      expect(await before).toBe(5);
      gates[1]?.resolve();
      expect(await after).toBe(4);
      expect(await getStock()).toBe(4);
    });

    it('keeps flights of different scopes apart when their keys differ', async () => {
      const ns = freshNamespace();
      const gate = deferred();
      let runs = 0;
      const whoAmI = cached(
        async function (this: { name: string }) {
          runs++;
          await gate.promise;
          return this.name;
        },
        { cacheKey: `${ns}:me:{this.name}`, cacheInstance: backend() },
      );
      const a = whoAmI.call({ name: 'a' });
      const b = whoAmI.call({ name: 'b' });
      await waitFor(() => runs === 2);
      gate.resolve();
      expect([await a, await b]).toEqual(['a', 'b']);
    });
  });
}
