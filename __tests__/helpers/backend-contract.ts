/**
 * The suite every `CacheInstance` runs: memory, Redis, Redis Cluster, Memcached (one server and
 * two). A backend test file calls `describeBackendContract(...)` and then adds its own specifics.
 *
 * Every case writes keys of its own (a random run id plus the case name), so the suite can share a
 * server with other files. Expiry cases write in a `beforeAll`, wait once (about 2.1 s, or move an
 * injected clock by as much) and then check, so the whole suite pays for one wait. Timeouts of
 * 1 s are used because Memcached rounds up to whole seconds.
 */
import { randomBytes } from 'node:crypto';
import { NOT_FOUND, type CacheInstance } from '../../lib/backends/backend';
import { SerializationError } from '../../lib/errors';
import { expectSame } from './expect-same';

/** What a backend can do beyond the required members of `CacheInstance`. */
export interface BackendContractOptions<B extends CacheInstance> {
  /** Run the `clear()` case; pass `false` for a backend without `clear()`. @default true */
  supportsClear?: boolean;
  /** Called once after the suite (after the `close()` case), e.g. to quit a client the test file owns. */
  afterAll?: (backend: B) => Promise<void>;
  /** Lets `ms` pass for the expiry cases, e.g. by moving a memory backend's injected clock. @default a real wait */
  passTime?: (ms: number) => Promise<void>;
}

const EXPIRY_WAIT_MS = 2100;
const realWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const EXPIRY_TEST_TIMEOUT_MS = 10_000;

/** A class whose instances must come back as plain objects. */
class Point {
  x = 1;
  y = 2;
  get sum(): number {
    return this.x + this.y;
  }
}

/** Values every backend must round-trip, with what must come back. */
function roundTripCases(): Array<[string, unknown, unknown]> {
  const date = new Date('2024-02-29T12:34:56.789Z');
  const nested = () => ({
    a: [1, 'two', null, undefined, { deep: [new Date(0), 10n, new Map([['k', new Set([1])]])] }],
    b: { c: { d: { e: 'bottom' } } },
    empty: {},
    list: [],
  });
  return [
    ['null', null, null],
    ['undefined', undefined, undefined],
    ['a string', 'hello', 'hello'],
    ['an empty string', '', ''],
    ['a number', 42.5, 42.5],
    ['true', true, true],
    ['false', false, false],
    ['NaN', NaN, NaN],
    ['-0', -0, -0],
    ['Infinity', Infinity, Infinity],
    ['-Infinity', -Infinity, -Infinity],
    ['a Date', date, new Date(date.getTime())],
    ['an invalid Date', new Date(NaN), new Date(NaN)],
    ['a BigInt', 12345678901234567890123n, 12345678901234567890123n],
    ['a negative BigInt', -5n, -5n],
    ['a Map', new Map<unknown, unknown>([['a', 1], [2, { b: undefined }]]), new Map<unknown, unknown>([['a', 1], [2, { b: undefined }]])],
    ['a Set', new Set([1, 'x', null]), new Set([1, 'x', null])],
    ['a Buffer', Buffer.from([0, 1, 2, 254, 255]), Buffer.from([0, 1, 2, 254, 255])],
    ['a Uint8Array', new Uint8Array([0, 9, 255]), new Uint8Array([0, 9, 255])],
    ['an empty Buffer', Buffer.alloc(0), Buffer.alloc(0)],
    ['an object with an undefined member', { a: undefined, b: 1 }, { a: undefined, b: 1 }],
    ['an array with undefined items', [undefined, 1, undefined], [undefined, 1, undefined]],
    ['nested values', nested(), nested()],
    ['a unicode string', 'zażółć 🧪 日本語 \u0000 \n\t', 'zażółć 🧪 日本語 \u0000 \n\t'],
    ['a lone high surrogate', 'a\uD800b', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00', '\uDC00'],
    ['a string that looks like a tag', { $date: '2020-01-01', $: 'd', v: 1 }, { $date: '2020-01-01', $: 'd', v: 1 }],
    ['a class instance (as a plain object)', new Point(), { x: 1, y: 2 }],
    ['a 100 kB string', 'x'.repeat(100_000), 'x'.repeat(100_000)],
  ];
}

/** Keys that a naive backend would mangle; each must stay a key of its own. */
function awkwardKeySuffixes(): string[] {
  return [
    'plain',
    'with space',
    'with  two spaces',
    'with\nnewline',
    'with\r\ncrlf',
    'with\ttab',
    'with\u0000nul',
    'with\u007fdel',
    'with:colon',
    'with::colons',
    'unicode-日本語-🧪',
    'lone-\uD800',
    'lone-\uDC00',
    'lone-\uFFFD',
    'dollar-$1-$&-$$',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'k'.repeat(300),
    `${'k'.repeat(299)}j`,
    'é'.repeat(150),
    `${'é'.repeat(149)}e`,
    '',
  ];
}

/**
 * Registers the `CacheInstance` contract for one backend. `makeBackend` runs once, before the
 * first case; the backend is closed (twice) by the last case.
 *
 * @example
 * describeBackendContract('MemoryCache', () => new MemoryCache());
 */
export function describeBackendContract<B extends CacheInstance>(
  name: string,
  makeBackend: () => Promise<B> | B,
  options: BackendContractOptions<B> = {},
): void {
  describe(`${name}: CacheInstance contract`, () => {
    const run = `contract-${randomBytes(6).toString('hex')}`;
    const key = (...parts: string[]): string => [run, ...parts].join(':');
    let backend: B;

    beforeAll(async () => {
      backend = await makeBackend();
    });

    afterAll(async () => {
      if (backend !== undefined && options.afterAll) await options.afterAll(backend);
    });

    it('reads a key that was never written as NOT_FOUND', async () => {
      await expect(backend.get(key('never-written'))).resolves.toBe(NOT_FOUND);
    });

    describe('round-trips values through set/get', () => {
      it.each(roundTripCases())('%s', async (label, value, expected) => {
        const k = key('rt', label);
        await backend.set(k, value);
        expectSame(await backend.get(k), expected);
      });
    });

    it('round-trips every value through setMany/getMany', async () => {
      const cases = roundTripCases();
      const entries = new Map(cases.map(([label, value]) => [key('rtm', label), value]));
      await backend.setMany(entries);
      const found = await backend.getMany([...entries.keys()]);
      expect(found.size).toBe(cases.length);
      for (const [label, , expected] of cases) {
        expectSame(found.get(key('rtm', label)), expected);
      }
    });

    it('hands out values that do not share state with what is stored', async () => {
      const k = key('isolated');
      await backend.set(k, { list: [1] });
      const first = (await backend.get(k)) as { list: number[] };
      first.list.push(2);
      expect(await backend.get(k)).toStrictEqual({ list: [1] });
    });

    it('overwrites with set', async () => {
      const k = key('overwrite');
      await backend.set(k, 'one');
      await backend.set(k, 'two');
      await expect(backend.get(k)).resolves.toBe('two');
    });

    it('resolves getMany([]) to an empty Map', async () => {
      const found = await backend.getMany([]);
      expect(found).toBeInstanceOf(Map);
      expect(found.size).toBe(0);
    });

    it('resolves setMany with an empty Map', async () => {
      await expect(backend.setMany(new Map())).resolves.toBeUndefined();
    });

    it('reports only the found keys from getMany, in the order asked, with 50 keys', async () => {
      const keys = Array.from({ length: 50 }, (_, i) => key('many', String(i)));
      const stored = new Map(keys.filter((_, i) => i % 3 === 0).map((k, i) => [k, i % 2 === 0 ? null : { i }]));
      await backend.setMany(stored);
      const found = await backend.getMany([...keys].reverse());
      expect([...found.keys()]).toEqual([...stored.keys()].reverse());
      for (const [k, v] of stored) expect(found.get(k)).toStrictEqual(v);
      expect(found.has(key('many', '1'))).toBe(false);
    });

    it('answers getMany with a key asked twice', async () => {
      const k = key('twice');
      await backend.set(k, 7);
      const found = await backend.getMany([k, key('twice-missing'), k]);
      expect([...found.entries()]).toEqual([[k, 7]]);
    });

    describe('expiry', () => {
      const k = (name: string): string => key('expiry', name);
      const reads = new Map<string, unknown>();

      beforeAll(async () => {
        await Promise.all([
          backend.set(k('set-1s'), 'short', 1),
          backend.set(k('set-fraction'), 'short', 0.5),
          backend.setMany(new Map([[k('many-1s-a'), 'a'], [k('many-1s-b'), undefined]]), 1),
          backend.add(k('add-1s'), 'first', 1),
          backend.set(k('add-after-expiry'), 'old', 1),
          backend.set(k('set-null'), 'forever', null),
          backend.set(k('set-default'), 'default', undefined),
          backend.set(k('set-long'), 'long', 60),
          backend.set(k('set-long-fraction'), 'long', 30.5),
          backend.set(k('set-over-30-days'), 'month', 31 * 24 * 3600),
          backend.setMany(new Map([[k('many-null'), 'forever']]), null),
          backend.set(k('refresh'), 'old', 1),
        ]);
        // Overwriting with a longer timeout must replace the earlier expiry.
        await backend.set(k('refresh'), 'new', 60);
        await (options.passTime ?? realWait)(EXPIRY_WAIT_MS);
        const names = [...reads.keys()];
        const found = await backend.getMany(names.map(k));
        for (const name of names) reads.set(name, found.has(k(name)) ? found.get(k(name)) : NOT_FOUND);
      }, EXPIRY_TEST_TIMEOUT_MS);

      // Registering the names up front lets beforeAll read them all with one getMany.
      const expectAfterWait = (name: string, expected: unknown): void => {
        reads.set(name, undefined);
        it(`${name} reads ${expected === NOT_FOUND ? 'NOT_FOUND' : JSON.stringify(expected)} after ${EXPIRY_WAIT_MS} ms`, () => {
          expect(reads.get(name)).toBe(expected);
        });
      };

      expectAfterWait('set-1s', NOT_FOUND);
      expectAfterWait('set-fraction', NOT_FOUND);
      expectAfterWait('many-1s-a', NOT_FOUND);
      expectAfterWait('many-1s-b', NOT_FOUND);
      expectAfterWait('add-1s', NOT_FOUND);
      expectAfterWait('set-null', 'forever');
      expectAfterWait('set-default', 'default');
      expectAfterWait('set-long', 'long');
      expectAfterWait('set-long-fraction', 'long');
      expectAfterWait('set-over-30-days', 'month');
      expectAfterWait('many-null', 'forever');
      expectAfterWait('refresh', 'new');

      it('treats an expired entry as absent for get, add and delete', async () => {
        await expect(backend.get(k('add-after-expiry'))).resolves.toBe(NOT_FOUND);
        await expect(backend.add(k('add-after-expiry'), 'new', 60)).resolves.toBe(true);
        await expect(backend.get(k('add-after-expiry'))).resolves.toBe('new');
        await expect(backend.add(k('add-1s'), 'again')).resolves.toBe(true);
        await expect(backend.get(k('add-1s'))).resolves.toBe('again');
      });
    });

    describe('a timeout of 0 or less', () => {
      it.each([0, -1, -0.5])('set with %p deletes the existing entry and stores nothing', async (timeout) => {
        const k = key('zero-set', String(timeout));
        await backend.set(k, 'there');
        await backend.set(k, 'not stored', timeout);
        await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
        await backend.set(k, 'not stored either', timeout);
        await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
      });

      it('setMany with 0 deletes every existing entry and stores nothing', async () => {
        const a = key('zero-many', 'a');
        const b = key('zero-many', 'b');
        await backend.set(a, 'there');
        await backend.setMany(new Map([[a, 1], [b, 2]]), 0);
        expect((await backend.getMany([a, b])).size).toBe(0);
      });

      it('add with 0 stores nothing and resolves false', async () => {
        const k = key('zero-add');
        await expect(backend.add(k, 'x', 0)).resolves.toBe(false);
        await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
      });
    });

    describe('add', () => {
      it('stores only when the key is absent and says whether it stored', async () => {
        const k = key('add');
        await expect(backend.add(k, 'first')).resolves.toBe(true);
        await expect(backend.add(k, 'second')).resolves.toBe(false);
        await expect(backend.get(k)).resolves.toBe('first');
      });

      it('stores null and undefined as values that count as present', async () => {
        const n = key('add-null');
        const u = key('add-undefined');
        await expect(backend.add(n, null)).resolves.toBe(true);
        await expect(backend.add(u, undefined)).resolves.toBe(true);
        await expect(backend.add(n, 'x')).resolves.toBe(false);
        await expect(backend.add(u, 'x')).resolves.toBe(false);
        await expect(backend.get(n)).resolves.toBeNull();
        await expect(backend.get(u)).resolves.toBeUndefined();
      });

      it('lets exactly one of several concurrent adds win', async () => {
        const k = key('add-race');
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => backend.add(k, i)));
        expect(results.filter(Boolean)).toHaveLength(1);
        await expect(backend.get(k)).resolves.toBe(results.indexOf(true));
      });

      it('works again after a delete', async () => {
        const k = key('add-delete');
        await backend.add(k, 1);
        await backend.delete(k);
        await expect(backend.add(k, 2)).resolves.toBe(true);
        await expect(backend.get(k)).resolves.toBe(2);
      });
    });

    describe('delete', () => {
      it('removes the entry and resolves true when there was one', async () => {
        const k = key('delete');
        await backend.set(k, { a: 1 });
        await expect(backend.delete(k)).resolves.toBe(true);
        await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
      });

      it('resolves a boolean for a key that holds nothing', async () => {
        await expect(backend.delete(key('delete-missing'))).resolves.toEqual(expect.any(Boolean));
      });

      it('leaves other keys alone', async () => {
        const a = key('delete-a');
        const b = key('delete-b');
        await backend.setMany(new Map([[a, 1], [b, 2]]));
        await backend.delete(a);
        await expect(backend.get(b)).resolves.toBe(2);
      });
    });

    describe('keys', () => {
      it('keeps keys that differ only in whitespace, control characters, ":", unicode or length apart', async () => {
        const suffixes = awkwardKeySuffixes();
        const keys = suffixes.map((s) => key('awkward', s));
        await Promise.all(keys.map((k, i) => backend.set(k, i)));
        for (const [i, k] of keys.entries()) {
          await expect(backend.get(k)).resolves.toBe(i);
        }
        const found = await backend.getMany(keys);
        expect(keys.map((k) => found.get(k))).toEqual(suffixes.map((_, i) => i));
      });

      it('round-trips awkward keys through add and delete', async () => {
        const k = key('awkward-add', 'a b\nc:d-\uD800-日本');
        await expect(backend.add(k, 1)).resolves.toBe(true);
        await expect(backend.add(k, 2)).resolves.toBe(false);
        await expect(backend.delete(k)).resolves.toBe(true);
        await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
      });
    });

    describe('values that cannot be stored', () => {
      it.each<[string, unknown]>([
        ['a function', () => 1],
        ['a symbol', Symbol('s')],
        ['a nested function', { a: { b: [1, () => 2] } }],
        ['a symbol in a Map', new Map([['k', Symbol('s')]])],
      ])('set of %s rejects with SerializationError and stores nothing', async (label, value) => {
        const k = key('unstorable', label);
        await expect(backend.set(k, value)).rejects.toBeInstanceOf(SerializationError);
        await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
        await expect(backend.add(k, value)).rejects.toBeInstanceOf(SerializationError);
        await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
      });

      it('setMany with one bad value rejects and stores none of the entries', async () => {
        const good = key('unstorable-many', 'good');
        const bad = key('unstorable-many', 'bad');
        await expect(backend.setMany(new Map<string, unknown>([[good, 1], [bad, () => 1]]))).rejects.toBeInstanceOf(
          SerializationError,
        );
        expect((await backend.getMany([good, bad])).size).toBe(0);
      });

      it('rejects a cyclic value with SerializationError', async () => {
        const cyclic: Record<string, unknown> = { a: 1 };
        cyclic.self = cyclic;
        await expect(backend.set(key('cyclic'), cyclic)).rejects.toBeInstanceOf(SerializationError);
      });
    });

    (options.supportsClear === false ? it.skip : it)('clear() removes what this backend stored', async () => {
      expect(typeof backend.clear).toBe('function');
      const k = key('clear');
      await backend.set(k, 1);
      await backend.clear?.();
      await expect(backend.get(k)).resolves.toBe(NOT_FOUND);
      await backend.set(k, 2);
      await expect(backend.get(k)).resolves.toBe(2);
    });

    it('close() twice is harmless (runs last)', async () => {
      if (backend.close === undefined) {
        expect(backend.close).toBeUndefined();
        return;
      }
      await expect(backend.close()).resolves.toBeUndefined();
      await expect(backend.close()).resolves.toBeUndefined();
    });
  });
}
