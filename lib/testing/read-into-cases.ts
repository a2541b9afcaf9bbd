import { strict as assert } from 'node:assert';
import { NOT_FOUND, type CacheInstance } from '../backends/backend';
import { assertSame } from './assert-same';
import type { ContractSuite } from './contract-suite';
import { roundTripCases } from './contract-values';

/** What a `readInto` told its receiver, and whether it kept to the contract's order. */
interface Told {
  readonly outcome: unknown;
  readonly answered: boolean;
  readonly foreseen: readonly unknown[];
}

/**
 * `backend.readInto(key)` as a promise of what the receiver was told; rejects (with an assertion
 * error) when the backend receives before `readInto` returned, foresees after receiving, or
 * receives twice (looked for until a macrotask after the first outcome).
 */
function readInto(backend: CacheInstance & Required<Pick<CacheInstance, 'readInto'>>, key: string): Promise<Told> {
  return new Promise((resolve, reject) => {
    let returned = false;
    let received: Told | undefined;
    const foreseen: unknown[] = [];
    backend.readInto(key, {
      foresee: (likely) => {
        if (received !== undefined) reject(new assert.AssertionError({ message: `readInto(${key}) foresaw after its outcome` }));
        foreseen.push(likely);
      },
      receive: (outcome, answered) => {
        if (!returned) reject(new assert.AssertionError({ message: `readInto(${key}) handed its outcome over before it returned` }));
        if (received !== undefined) reject(new assert.AssertionError({ message: `readInto(${key}) handed an outcome over twice` }));
        received = { outcome, answered, foreseen };
        setImmediate(() => resolve(received as Told));
      },
    });
    returned = true;
  });
}

/** The optional `readInto` (`get` whose outcome goes to a receiver in the reaction to the reply). */
export function registerReadIntoCases(suite: ContractSuite): void {
  const { runner, key } = suite;
  const reading = (): (CacheInstance & Required<Pick<CacheInstance, 'readInto'>>) | undefined => {
    const backend = suite.backend;
    return backend.readInto === undefined ? undefined : (backend as CacheInstance & Required<Pick<CacheInstance, 'readInto'>>);
  };

  runner.describe('readInto (optional: without it the core reads with get)', () => {
    runner.it('hands over, once and after returning, what get resolves to: every value, and NOT_FOUND', async () => {
      const backend = reading();
      if (backend === undefined) return;
      for (const [label, value, expected] of roundTripCases()) {
        const k = key('read-into', label);
        await backend.set(k, value);
        // Read three times: a backend that keeps what it read (a decode memo) foresees by the third.
        for (let read = 0; read < 3; read++) {
          const told = await readInto(backend, k);
          assert.equal(told.answered, true, `${label}: readInto failed: ${String(told.outcome)}`);
          assertSame(told.outcome, expected, label);
          assert.ok(told.foreseen.length <= 1, `${label}: foresaw ${told.foreseen.length} times`);
        }
      }
      const missing = await readInto(backend, key('read-into-never-written'));
      assert.deepEqual([missing.outcome, missing.answered], [NOT_FOUND, true]);
    });

    runner.it('hands out values that do not share state with what is stored, or with each other', async () => {
      const backend = reading();
      if (backend === undefined) return;
      const k = key('read-into-isolated');
      await backend.set(k, { list: [1], padding: 'x'.repeat(80) });
      const values: Array<{ list: number[] }> = [];
      for (let read = 0; read < 3; read++) {
        const told = await readInto(backend, k);
        values.push(told.outcome as { list: number[] });
        (told.outcome as { list: number[] }).list.push(read + 2);
      }
      assert.deepEqual(
        values.map((value) => value.list),
        [
          [1, 2],
          [1, 3],
          [1, 4],
        ],
      );
    });
  });
}
