import { randomBytes } from 'node:crypto';
import type { CacheInstance } from '../backends/backend';
import type { TestRunner } from './test-runner';

/** What every group of contract cases is registered with. */
export class ContractSuite {
  readonly runner: TestRunner;
  /** Every key the suite writes starts with it, so several runs can share a server. */
  readonly #run = `contract-${randomBytes(6).toString('hex')}`;
  #backend: CacheInstance | undefined;

  constructor(runner: TestRunner) {
    this.runner = runner;
  }

  /** The backend under test; set by the suite's `beforeAll`. */
  get backend(): CacheInstance {
    if (this.#backend === undefined) throw new Error('describeBackendContract: makeBackend() did not run or did not succeed');
    return this.#backend;
  }

  set backend(backend: CacheInstance) {
    this.#backend = backend;
  }

  /** A key of this run: the run's id, then `parts`, joined by `:` (a property, so it can be destructured). */
  readonly key = (...parts: string[]): string => [this.#run, ...parts].join(':');
}
