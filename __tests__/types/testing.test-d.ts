// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run. The test functions of
// jest (globals and @jest/globals) and of node:test fit easy-cache/testing's TestRunner as they are.
import * as jestGlobals from '@jest/globals';
import * as nodeTest from 'node:test';
import { MemoryCache, type CacheInstance } from '../../lib';
import { describeBackendContract, type BackendContractOptions, type TestRunner } from '../../lib/testing';

const fromGlobals: TestRunner = { describe, it, beforeAll, afterAll };
const fromJestGlobals: TestRunner = { describe: jestGlobals.describe, it: jestGlobals.it, beforeAll: jestGlobals.beforeAll, afterAll: jestGlobals.afterAll };
const fromNodeTest: TestRunner = { describe: nodeTest.describe, it: nodeTest.it, beforeAll: nodeTest.before, afterAll: nodeTest.after };

function register(): void {
  describeBackendContract('MemoryCache', () => new MemoryCache(), { runner: fromJestGlobals, supportsClear: true });
  // The backend handed to afterAll has the type makeBackend returns.
  describeBackendContract('async', async () => new MemoryCache(), { afterAll: async (backend: MemoryCache) => backend.clear() });
  const options: BackendContractOptions = { passTime: async () => undefined };
  describeBackendContract('any CacheInstance', (): CacheInstance => new MemoryCache(), options);
  // @ts-expect-error makeBackend must make a CacheInstance
  describeBackendContract('not a backend', () => ({ get: async () => 1 }));
  // @ts-expect-error a runner needs beforeAll and afterAll
  describeBackendContract('half a runner', () => new MemoryCache(), { runner: { describe, it } });
}
void [fromGlobals, fromNodeTest, register];
