/**
 * Shared pieces of the port of the Python package's test suite (Bahus/easy_cache,
 * tests/tests_basic.py): a recording backend (its `CacheProxy`), the function-call counter (its
 * `cache_mock` + `get_test_result`) and its `_check_*` helpers, written against our public API.
 */
import { createCacheKey, createTagCacheKey, invalidateCacheTags, NOT_FOUND } from '../../lib';
import type { BackendTimeout, CacheInstance } from '../../lib';

/**
 * A real backend wrapped to remember the timeout each key was last written with, which keys were
 * written, and how many calls of each kind it served (the Python suite's `CacheProxy`).
 */
export class RecordingBackend implements CacheInstance {
  readonly inner: CacheInstance;
  readonly timeouts = new Map<string, BackendTimeout>();
  readonly calls = { get: 0, getMany: 0, set: 0, setMany: 0, add: 0, delete: 0 };
  readonly #written = new Set<string>();

  constructor(inner: CacheInstance) {
    this.inner = inner;
  }

  get inProcess(): boolean | undefined {
    return this.inner.inProcess;
  }

  get backendTimeoutMs(): number | undefined {
    return this.inner.backendTimeoutMs;
  }

  async get(key: string): Promise<unknown> {
    this.calls.get += 1;
    return this.inner.get(key);
  }

  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    this.calls.getMany += 1;
    return this.inner.getMany(keys);
  }

  async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    this.calls.set += 1;
    this.timeouts.set(key, timeout);
    this.#written.add(key);
    return this.inner.set(key, value, timeout);
  }

  async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    this.calls.setMany += 1;
    for (const key of entries.keys()) {
      this.timeouts.set(key, timeout);
      this.#written.add(key);
    }
    return this.inner.setMany(entries, timeout);
  }

  async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    this.calls.add += 1;
    this.#written.add(key);
    return this.inner.add(key, value, timeout);
  }

  async delete(key: string): Promise<boolean> {
    this.calls.delete += 1;
    return this.inner.delete(key);
  }

  /** Whether `key` holds something (the Python suite's `key in cache`). */
  async has(key: string): Promise<boolean> {
    return (await this.inner.get(key)) !== NOT_FOUND;
  }

  /** The keys written through this wrapper that still hold something (the Python suite's `len(cache)`). */
  async liveKeys(): Promise<string[]> {
    const found = await this.inner.getMany([...this.#written]);
    return [...found.keys()];
  }

  /** Forgets everything, stored data included (the Python suite's `cache.clear()`). */
  async clear(): Promise<void> {
    for (const key of this.#written) await this.inner.delete(key);
    this.#written.clear();
    this.timeouts.clear();
    this.resetCalls();
  }

  resetCalls(): void {
    for (const name of Object.keys(this.calls) as Array<keyof RecordingBackend['calls']>) this.calls[name] = 0;
  }
}

/** The Python suite's `cache_mock`: every run of a cached function reports its result here. */
export const functionRuns = jest.fn<void, unknown[]>();

/** The Python suite's `process_args` + `get_test_result`: the arguments joined by `:`, reported to `functionRuns`. */
export function testResult(...args: unknown[]): string {
  const result = args.map(String).join(':');
  functionRuns(result);
  return result;
}

/** Something cached, called and invalidated through one uniform shape (a function, a bound method or a getter). */
export interface Subject {
  call(...args: unknown[]): Promise<unknown>;
  invalidateCacheByKey(...args: unknown[]): Promise<void>;
  invalidateCacheByTags(tags: string, ...args: unknown[]): Promise<void>;
  invalidateCacheByPrefix(...args: unknown[]): Promise<void>;
  getCacheKey(...args: unknown[]): string;
}

/** What `cached()` returns and what a `cachedMethod` member is through an instance or a class. */
export interface CachedLike {
  (...args: never[]): Promise<unknown>;
  invalidateCacheByKey(...args: never[]): Promise<void>;
  invalidateCacheByTags(tags?: string | readonly string[], ...args: never[]): Promise<void>;
  invalidateCacheByPrefix(...args: never[]): Promise<void>;
  getCacheKey(...args: never[]): string;
}

/** A `Subject` over a cached function (or a bound cached method) whose helpers take the call's arguments. */
export function subjectOf(fn: CachedLike): Subject {
  const loose = fn as unknown as ((...args: unknown[]) => Promise<unknown>) & Record<string, (...args: unknown[]) => never>;
  return {
    call: (...args) => loose(...args),
    invalidateCacheByKey: (...args) => loose.invalidateCacheByKey!(...args),
    invalidateCacheByTags: (tags, ...args) => loose.invalidateCacheByTags!(tags, ...args),
    invalidateCacheByPrefix: (...args) => loose.invalidateCacheByPrefix!(...args),
    getCacheKey: (...args) => loose.getCacheKey!(...args),
  };
}

/** Python `_check_base`: a first call runs the function, a repeat is a hit, changed arguments run it again. */
export async function checkBase(subject: Subject, change: 'a' | 'b' | 'c' = 'a'): Promise<void> {
  // Python shuffles these; a fixed order keeps the test repeatable with the same mix of types.
  const items: unknown[] = ['тест', 'str', 100, 1.45];
  const args = items.slice(0, 3);
  let result = args.map(String).join(':');
  functionRuns.mockClear();
  await expect(subject.call(...args)).resolves.toBe(result);
  expect(functionRuns.mock.calls).toEqual([[result]]);
  functionRuns.mockClear();

  await expect(subject.call(...args)).resolves.toBe(result);
  expect(functionRuns).not.toHaveBeenCalled();

  args[{ a: 0, b: 1, c: 2 }[change]] = items[3];
  result = args.map(String).join(':');
  await expect(subject.call(...args)).resolves.toBe(result);
  expect(functionRuns.mock.calls).toEqual([[result]]);
  functionRuns.mockClear();
}

/**
 * Python `_check_cache_key`: the call stores its entry under exactly `key` (also what
 * `getCacheKey` says), and the invalidator (by default `invalidateCacheByKey` with the same
 * arguments) removes it.
 */
export async function checkCacheKey(
  backend: RecordingBackend,
  subject: Subject,
  key: string,
  args: readonly unknown[],
  invalidator?: () => Promise<void>,
): Promise<void> {
  await backend.clear();
  expect(await backend.has(key)).toBe(false);
  expect(subject.getCacheKey(...args)).toBe(key);
  await subject.call(...args);
  expect(await backend.has(key)).toBe(true);
  await (invalidator ? invalidator() : subject.invalidateCacheByKey(...args));
  expect(await backend.has(key)).toBe(false);
  await subject.call(...args);
  expect(await backend.has(key)).toBe(true);
}

/** Python `_check_timeout`: the entry under `key` was written with `timeout` seconds (`undefined` = the backend's default). */
export function checkTimeout(backend: RecordingBackend, key: string, timeout: BackendTimeout): void {
  expect(backend.timeouts.has(key)).toBe(true);
  expect(backend.timeouts.get(key)).toBe(timeout);
}

/**
 * Python `_check_tags`. Each tag is given as the parts it renders from (`[userId, 'tag1']` for
 * the template `'{this.id}:tag1'`), so its text is `createCacheKey(...parts)` and its stored key
 * `createTagCacheKey(...parts)`. After a call every tag key exists; invalidating any one tag,
 * with `invalidateCacheTags` or with the subject's `invalidateCacheByTags`, makes the next call a miss.
 */
export async function checkTags(
  backend: RecordingBackend,
  subject: Subject,
  tags: ReadonlyArray<readonly unknown[]>,
  args: readonly unknown[],
): Promise<void> {
  await backend.clear();
  functionRuns.mockClear();
  for (const parts of tags) expect(await backend.has(createTagCacheKey(...parts))).toBe(false);

  let result = await subject.call(...args);
  for (const parts of tags) expect(await backend.has(createTagCacheKey(...parts))).toBe(true);
  expect(functionRuns.mock.calls).toEqual([[result]]);
  functionRuns.mockClear();

  for (const parts of tags) {
    const tag = createCacheKey(...parts);
    await invalidateCacheTags(tag);
    result = await subject.call(...args);
    expect(functionRuns.mock.calls).toEqual([[result]]);
    functionRuns.mockClear();

    await subject.call(...args);
    expect(functionRuns).not.toHaveBeenCalled();

    await subject.invalidateCacheByTags(tag, ...args);
    result = await subject.call(...args);
    expect(functionRuns.mock.calls).toEqual([[result]]);
    functionRuns.mockClear();
  }
}

/**
 * Python `_check_cache_prefix`: after a call the prefix's tag key exists and the entry key starts
 * with the prefix; a repeat is a hit; `invalidateCacheByPrefix` makes the next call a miss. The
 * prefix is given as the parts it renders from, like the tags of `checkTags`. `runs` is what one
 * run reports to `functionRuns` (the result, or nothing for the getters).
 */
export async function checkCachePrefix(
  backend: RecordingBackend,
  subject: Subject,
  prefixParts: readonly unknown[],
  args: readonly unknown[],
  runs: (result: unknown) => unknown[] = (result) => [result],
): Promise<void> {
  await backend.clear();
  functionRuns.mockClear();
  const prefix = createCacheKey(...prefixParts);
  const tagKey = createTagCacheKey(...prefixParts);
  expect(await backend.has(tagKey)).toBe(false);

  let result = await subject.call(...args);
  expect(await backend.has(tagKey)).toBe(true);
  expect(subject.getCacheKey(...args).startsWith(`${prefix}:`)).toBe(true);
  expect(functionRuns.mock.calls).toEqual([runs(result)]);
  functionRuns.mockClear();

  await subject.call(...args);
  expect(functionRuns).not.toHaveBeenCalled();

  await subject.invalidateCacheByPrefix(...args);
  result = await subject.call(...args);
  expect(functionRuns.mock.calls).toEqual([runs(result)]);
  functionRuns.mockClear();
}
