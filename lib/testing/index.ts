/**
 * Entry point `easy-cache/testing`: the contract suite that every easy-cache backend passes,
 * for authors of their own `CacheInstance`. It registers its cases with the test framework's
 * `describe`/`it`/`beforeAll`/`afterAll` (jest's globals by default, or the ones passed as
 * `runner`) and asserts with `node:assert`, so it adds no dependency to the library: loading
 * `easy-cache` never loads it.
 *
 * @example
 * // my-cache.test.ts, run by jest
 * import { describeBackendContract } from 'easy-cache/testing';
 * import { MyCache } from './my-cache';
 *
 * describeBackendContract('MyCache', () => new MyCache({ prefix: 'contract' }));
 *
 * @module easy-cache/testing
 */
export { describeBackendContract } from './backend-contract';
export type { BackendContractOptions } from './backend-contract';
export type { TestBody, TestRunner } from './test-runner';
export { EXPIRY_WAIT_MS } from './expiry-cases';
