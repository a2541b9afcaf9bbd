import { strict as assert } from 'node:assert';
import { NOT_FOUND, type CacheInstance } from '../backends/backend';
import { registerAddDeleteCases } from './add-delete-cases';
import { ContractSuite } from './contract-suite';
import { registerExpiryCases } from './expiry-cases';
import { registerKeysAndRefusalsCases } from './keys-and-refusals-cases';
import { registerReadIntoCases } from './read-into-cases';
import { registerReadWriteCases } from './read-write-cases';
import { registerRewriteCases } from './rewrite-cases';
import { registerSyncCases } from './sync-cases';
import { resolveRunner, type TestRunner } from './test-runner';

/** What a backend can do beyond the required members of `CacheInstance`, and how to run the suite. */
export interface BackendContractOptions<B extends CacheInstance = CacheInstance> {
  /**
   * Run the `clear()` case; pass `false` for a backend without `clear()`.
   * @default true
   */
  supportsClear?: boolean;
  /** Called once after the suite (after the `close()` case), e.g. to quit a client the test file owns. */
  afterAll?: (backend: B) => Promise<void>;
  /**
   * Lets `ms` pass for the expiry cases, e.g. by moving an injected clock (the suite then needs no
   * real wait).
   * @default a real wait of `ms` (about 2.1 s, once for the whole suite)
   * @example { passTime: async (ms) => { clock.now += ms; } }
   */
  passTime?: (ms: number) => Promise<void>;
  /**
   * The test functions to register the cases with.
   * @default the globals of jest (or vitest with `globals: true`, or mocha)
   * @example import { describe, it, beforeAll, afterAll } from '@jest/globals';
   * describeBackendContract('MyCache', make, { runner: { describe, it, beforeAll, afterAll } });
   */
  runner?: TestRunner;
}

/**
 * Registers the `CacheInstance` contract for one backend: the suite every easy-cache backend
 * passes (memory, Redis, Redis Cluster, Memcached). Misses are `NOT_FOUND`; `null`, `undefined`,
 * Dates, BigInts, Maps, Sets, Buffers, typed arrays, `NaN`, `-0` and nested values round-trip
 * through `set`/`get` and `setMany`/`getMany`; `getMany` reports the found keys only, in the
 * order asked; entries expire on time; a timeout of 0 or less deletes; `add` stores only when
 * absent, with one winner among concurrent adds; hostile keys stay distinct; values that cannot
 * be stored are refused with `SerializationError`; the optional `getSync`/`setSync`, where a
 * backend has them, agree with `get`/`set`; `close()` twice is harmless.
 *
 * `makeBackend` runs once, before the first case; the last case closes the backend (twice). Every
 * key the suite writes starts with a random run id, so a server can be shared with other tests.
 * Failures are `node:assert` errors: the suite needs the test framework only to register cases.
 *
 * @example
 * import { describeBackendContract } from 'easy-cache/testing';
 * describeBackendContract('MyCache', () => new MyCache(), { supportsClear: false });
 */
export function describeBackendContract<B extends CacheInstance>(
  name: string,
  makeBackend: () => Promise<B> | B,
  options: BackendContractOptions<B> = {},
): void {
  const runner = resolveRunner(options.runner);
  runner.describe(`${name}: CacheInstance contract`, () => {
    const suite = new ContractSuite(runner);
    let made: B | undefined;

    runner.beforeAll(async () => {
      made = await makeBackend();
      suite.backend = made;
    });

    runner.afterAll(async () => {
      if (made !== undefined && options.afterAll) await options.afterAll(made);
    });

    registerReadWriteCases(suite);
    registerExpiryCases(suite, options.passTime);
    registerAddDeleteCases(suite);
    registerRewriteCases(suite);
    registerReadIntoCases(suite);
    registerKeysAndRefusalsCases(suite);
    registerSyncCases(suite);
    if (options.supportsClear !== false) registerClearCase(suite);
    registerCloseCase(suite);
  });
}

function registerClearCase(suite: ContractSuite): void {
  suite.runner.it('clear() removes what this backend stored', async () => {
    const backend = suite.backend;
    assert.equal(typeof backend.clear, 'function', 'clear() is missing: pass { supportsClear: false } for a backend without it');
    const k = suite.key('clear');
    await backend.set(k, 1);
    await backend.clear?.();
    assert.equal(await backend.get(k), NOT_FOUND);
    await backend.set(k, 2);
    assert.equal(await backend.get(k), 2);
  });
}

function registerCloseCase(suite: ContractSuite): void {
  suite.runner.it('close() twice is harmless (runs last)', async () => {
    const backend = suite.backend;
    if (backend.close === undefined) return;
    assert.equal(await backend.close(), undefined);
    assert.equal(await backend.close(), undefined);
  });
}
