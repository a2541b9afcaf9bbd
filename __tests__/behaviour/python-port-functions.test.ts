// Port of the module-level function scenarios of the Python package's tests/tests_basic.py
// (ClassCachedDecoratorTest: computation, ordinal_func, second_func), plus the two places where
// our SPEC deliberately differs from the Python package.
import {
  cached,
  caches,
  createCacheKey,
  invalidateCacheKey,
  invalidateCachePrefix,
  invalidateCacheTags,
  MemoryCache,
} from '../../lib';
import { checkBase, checkCacheKey, checkCachePrefix, checkTags, checkTimeout, functionRuns, RecordingBackend, subjectOf, testResult } from './python-port-support';

// Python `@ecached(timeout=100) def computation(a, b, c)`.
const computation = cached(async function computation(a: unknown, b: unknown, c: unknown) {
  return testResult(a, b, c);
}, { timeout: 100 });

// Python `@ecached(('kwargs[a]', 'kwargs[b]'), prefix='пользователь') def ordinal_func(*args, **kwargs)`.
// JavaScript has no keyword arguments: they become a destructured object, whose property names are parameter names.
const ordinalFunc = cached(
  async function ordinalFunc({ a, b }: { a: unknown; b: unknown }) {
    return testResult('a', a, 'b', b);
  },
  { cacheKey: ['a', 'b'], prefix: 'пользователь' },
);

// Python `@ecached('second:{c}', timeout=450, tags=['{a}']) def second_func(a, b, c=100)`.
const secondFunc = cached(async (a: unknown, b: unknown, c: unknown = 100) => testResult(a, b, c), {
  cacheKey: 'second:{c}',
  timeout: 450,
  tags: ['{a}'],
});

let backend: RecordingBackend;

beforeEach(() => {
  backend = new RecordingBackend(new MemoryCache());
  caches.setDefault(backend);
  functionRuns.mockClear();
});

/** A deferred: a promise the test resolves when it chooses. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('Python ClassCachedDecoratorTest: module-level functions', () => {
  // test_default_cache_key (function part): Python key `<module>.computation:a:b:c`.
  it('test_default_cache_key: automatic key of a function, timeout 100', async () => {
    const subject = subjectOf(computation);
    const key = computation.getCacheKey('a', 'b', 'c');
    expect(key.startsWith('computation:')).toBe(true);
    await checkBase(subject);
    await checkCacheKey(backend, subject, key, ['a', 'b', 'c']);
    checkTimeout(backend, key, 100);
  });

  // test_ordinal_func
  it('test_ordinal_func: key from named (keyword-like) arguments under a non-ASCII prefix', async () => {
    let result = 'a:10:b:10';
    await expect(ordinalFunc({ a: 10, b: 10 })).resolves.toBe(result);
    expect(functionRuns.mock.calls).toEqual([[result]]);
    functionRuns.mockClear();

    await expect(ordinalFunc({ a: 10, b: 10 })).resolves.toBe(result);
    expect(functionRuns).not.toHaveBeenCalled();

    result = 'a:10:b:22';
    await expect(ordinalFunc({ a: 10, b: 22 })).resolves.toBe(result);
    expect(functionRuns.mock.calls).toEqual([[result]]);

    const subject = subjectOf(ordinalFunc);
    await checkCacheKey(backend, subject, createCacheKey('пользователь', 10, 20), [{ a: 10, b: 20 }]);
    await checkCachePrefix(backend, subject, ['пользователь'], [{ a: 10, b: 20 }]);
  });

  // test_second_func
  it('test_second_func: key on a defaulted parameter, tag template on another', async () => {
    const subject = subjectOf(secondFunc);
    const key = createCacheKey('second', 100);
    await checkBase(subject, 'c');
    await checkCacheKey(backend, subject, key, [1, 2, 100]);
    expect(secondFunc.getCacheKey(1, 2)).toBe(key);
    checkTimeout(backend, key, 450);
    await checkTags(backend, subject, [['yyy']], ['yyy', 111]);
  });

  // test_invalidators
  it('test_invalidators: invalidateCacheKey, invalidateCachePrefix and the attached invalidator', async () => {
    const [a, b] = ['a', 'b'];
    const key = createCacheKey('пользователь', a, b);
    const result = 'a:a:b:b';
    const expectRun = async (runs: number): Promise<void> => {
      await expect(ordinalFunc({ a, b })).resolves.toBe(result);
      expect(functionRuns).toHaveBeenCalledTimes(runs);
      functionRuns.mockClear();
    };
    await expectRun(1);
    await expectRun(0);

    await invalidateCacheKey(key);
    await expectRun(1);
    await expectRun(0);

    await invalidateCachePrefix('пользователь');
    await expectRun(1);
    await expectRun(0);

    await ordinalFunc.invalidateCacheByKey({ a, b });
    await expectRun(1);
  });

  // test_refresh_cache
  it('test_refresh_cache: refreshCache runs the function once and the next call is a hit', async () => {
    const result = 'a:a:b:b';
    await expect(ordinalFunc({ a: 'a', b: 'b' })).resolves.toBe(result);
    await expect(ordinalFunc({ a: 'a', b: 'b' })).resolves.toBe(result);
    expect(functionRuns.mock.calls).toEqual([[result]]);
    functionRuns.mockClear();

    await expect(ordinalFunc.refreshCache({ a: 'a', b: 'b' })).resolves.toBe(result);
    expect(functionRuns.mock.calls).toEqual([[result]]);
    await expect(ordinalFunc({ a: 'a', b: 'b' })).resolves.toBe(result);
    expect(functionRuns.mock.calls).toEqual([[result]]);
  });
});

describe('where our SPEC deliberately differs from the Python package', () => {
  // No Python test: Python's create_cache_key renders every argument with str(), so computation(1, ...)
  // and computation('1', ...) share an entry there. SPEC section 3 keeps them apart.
  it('automatic keys keep computation(1) and computation("1") apart', async () => {
    await computation(1, 2, 3);
    await computation('1', 2, 3);
    expect(functionRuns).toHaveBeenCalledTimes(2);
    expect(computation.getCacheKey(1, 2, 3)).not.toBe(computation.getCacheKey('1', 2, 3));
  });

  // No Python test: values containing the delimiter. Python joins with ':' unescaped, so ('1:2', '3')
  // and ('1', '2:3') collide there; ours are two entries (SPEC section 9).
  it('a delimiter inside a value cannot make two calls share a key', async () => {
    const pair = cached(async (x: string, y: string) => testResult(x, y), { cacheKey: 'u:{x}:{y}' });
    await pair('1:2', '3');
    await pair('1', '2:3');
    expect(functionRuns).toHaveBeenCalledTimes(2);
  });

  // No Python test: the tag race. Python reads tag versions after the function ran, so an invalidation
  // landing during the computation is hidden by the value stored afterwards. Ours must recompute (SPEC section 4).
  it('a tag invalidated while the value is computed makes the next call recompute', async () => {
    const gate = deferred<void>();
    let version = 0;
    const read = cached(
      async (id: number) => {
        version += 1;
        const seen = version;
        if (seen === 1) await gate.promise;
        return `v${seen}:${id}`;
      },
      { cacheKey: 'doc:{id}', tags: ['doc:{id}'] },
    );
    const first = read(1);
    await new Promise((resolve) => setImmediate(resolve));
    await invalidateCacheTags(createCacheKey('doc', 1));
    gate.resolve();
    await expect(first).resolves.toBe('v1:1');
    await expect(read(1)).resolves.toBe('v2:1');
    await expect(read(1)).resolves.toBe('v2:1');
  });
});
