import { CacheConfigError } from '../errors';

/** A test body: the suite's cases are all asynchronous. */
export type TestBody = () => Promise<void>;

/**
 * The four functions of a test framework that the contract suite registers its cases with, in
 * the shape jest and vitest give them (mocha and `node:test` call the hooks `before` and `after`:
 * pass `{ describe, it, beforeAll: before, afterAll: after }`). Assertions are made with
 * `node:assert`, so no `expect` is needed and the suite works with any of them.
 */
export interface TestRunner {
  /** Groups the cases under `name`; `body` registers them synchronously. */
  describe(name: string, body: () => void): unknown;
  /** One case. Each case and hook of the suite takes well under jest's default 5 s limit. */
  it(name: string, body: TestBody): unknown;
  /** Runs once before the cases of the current group. */
  beforeAll(body: TestBody): unknown;
  /** Runs once after the cases of the current group. */
  afterAll(body: TestBody): unknown;
}

type MaybeRunner = Partial<Record<keyof TestRunner | 'test' | 'before' | 'after', unknown>>;

/**
 * The runner to register with: the one given, else the globals that jest (and vitest with
 * `globals: true`, and mocha) put on `globalThis`. Read when the suite is described, not when this
 * module is loaded, so importing `easy-cache/testing` needs no test framework at all.
 */
export function resolveRunner(given: TestRunner | undefined): TestRunner {
  if (given !== undefined) {
    const missing = (['describe', 'it', 'beforeAll', 'afterAll'] as const).filter((name) => typeof given[name] !== 'function');
    if (missing.length === 0) return given;
    throw new CacheConfigError(
      `describeBackendContract(): option "runner" must have the functions describe, it, beforeAll and afterAll; missing ${missing.join(', ')}`,
      { option: 'runner', received: given },
    );
  }
  const globals = globalThis as MaybeRunner;
  const describe = globals.describe;
  const it = globals.it ?? globals.test;
  const beforeAll = globals.beforeAll ?? globals.before;
  const afterAll = globals.afterAll ?? globals.after;
  if (typeof describe === 'function' && typeof it === 'function' && typeof beforeAll === 'function' && typeof afterAll === 'function') {
    return { describe, it, beforeAll, afterAll } as TestRunner;
  }
  throw new CacheConfigError(
    'describeBackendContract(): found no test functions (describe, it, beforeAll, afterAll) on globalThis; ' +
      'call it from a jest or vitest test file, or pass them as option "runner" (e.g. from @jest/globals, vitest or node:test)',
    { option: 'runner' },
  );
}
