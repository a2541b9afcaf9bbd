import { SerializationError } from '../../lib/errors';
import { cloneSnapshot, cloneSnapshotUnpooled } from '../../lib/serializer/clone-snapshot';
import { taggedJson } from '../../lib/serializer/tagged-json';
import { mutateEverywhere, objectsIn } from '../helpers/mutate-everywhere';

/** What `MemoryCache` keeps for a value: the default serializer's own decoding of it. */
const snapshotOf = (value: unknown): unknown => taggedJson.decode(taggedJson.encode(value));

class Point {
  x = 1;
  y = 2;
  get sum(): number {
    return this.x + this.y;
  }
}

/** The backend contract's round-trip values, plus every other kind a snapshot can hold. */
function values(): Array<[string, unknown]> {
  const withProtoKey: Record<string, unknown> = JSON.parse('{"__proto__": {"polluted": true}, "a": [{"__proto__": 1}]}');
  return [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'hello'],
    ['an empty string', ''],
    ['a number', 42.5],
    ['true', true],
    ['NaN', NaN],
    ['-0', -0],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a Date', new Date('2024-02-29T12:34:56.789Z')],
    ['an invalid Date', new Date(NaN)],
    ['a BigInt', 12345678901234567890123n],
    ['a Map', new Map<unknown, unknown>([['a', 1], [2, { b: undefined }]])],
    ['a Map with object keys', new Map<unknown, unknown>([[{ k: [1] }, { v: new Date(3) }], [null, undefined], [NaN, -0]])],
    ['a Set', new Set([1, 'x', null])],
    ['a Set of objects', new Set<unknown>([{ a: 1 }, [2], new Date(0), undefined, 1n])],
    ['a Buffer', Buffer.from([0, 1, 2, 254, 255])],
    ['an empty Buffer', Buffer.alloc(0)],
    ['a Uint8Array', new Uint8Array([0, 9, 255])],
    ['a Uint8Array view into a larger buffer', new Uint8Array([9, 8, 7, 6]).subarray(1, 3)],
    ['a Uint8ClampedArray', new Uint8ClampedArray([0, 255])],
    ['an Int8Array', new Int8Array([-128, 127])],
    ['a Uint16Array', new Uint16Array([65535])],
    ['an Int16Array', new Int16Array([-32768, 32767])],
    ['a Uint32Array', new Uint32Array([4294967295])],
    ['an Int32Array', new Int32Array([-1, 7])],
    ['a Float32Array', new Float32Array([1.5, -0])],
    ['a Float64Array', new Float64Array([1.5, NaN, -0])],
    ['a BigInt64Array', new BigInt64Array([-1n, 2n ** 62n])],
    ['a BigUint64Array', new BigUint64Array([2n ** 64n - 1n])],
    ['an ArrayBuffer', new Uint8Array([5, 6]).buffer],
    ['an object with an undefined member', { a: undefined, b: 1 }],
    ['an array with undefined items', [undefined, 1, undefined]],
    // eslint-disable-next-line no-sparse-arrays
    ['an array with a hole', [1, , 3]],
    [
      'nested values',
      {
        a: [1, 'two', null, undefined, { deep: [new Date(0), 10n, new Map([['k', new Set([1])]])] }],
        b: { c: { d: { e: 'bottom' } } },
        empty: {},
        list: [],
      },
    ],
    ['a unicode string', 'zażółć 🧪 日本語 \u0000 \n\t'],
    ['a lone surrogate', 'a\uD800b'],
    ['objects that look like tags', { $date: '2020-01-01', $: 'd', v: 1, inner: { $: 'u' }, when: new Date(0) }],
    ['a class instance (as a plain object)', new Point()],
    ['an object without prototype', Object.assign(Object.create(null) as object, { a: { b: 1 } })],
    ['own "__proto__" members', withProtoKey],
    ['integer-like keys', { '1': 'a', '0': { b: 'b' }, x: 'c' }],
    ['a 100 kB string', 'x'.repeat(100_000)],
  ];
}

function protoName(object: object): string {
  const proto: unknown = Object.getPrototypeOf(object);
  return proto === null ? 'null' : `${(proto as { constructor: { name: string } }).constructor.name}.prototype`;
}

/** Equal down to the prototype of every object, -0, NaN, invalid Dates, holes and own `__proto__` keys. */
function expectSameShape(actual: unknown, expected: unknown, path = 'value'): void {
  if (typeof expected !== 'object' || expected === null) {
    expect([path, actual]).toEqual([path, expected]);
    expect(Object.is(actual, expected)).toBe(true);
    return;
  }
  expect(typeof actual).toBe('object');
  // The path in the compared value makes a failure say where the prototypes differ.
  expect([path, protoName(actual as object)]).toEqual([path, protoName(expected)]);
  expect(Object.getPrototypeOf(actual) === Object.getPrototypeOf(expected)).toBe(true);
  if (expected instanceof Date) {
    expect(Object.is((actual as Date).getTime(), expected.getTime())).toBe(true);
  } else if (expected instanceof Map) {
    const actualEntries = [...(actual as Map<unknown, unknown>)];
    const expectedEntries = [...expected];
    expect(actualEntries).toHaveLength(expectedEntries.length);
    expectedEntries.forEach(([key, item], i) => {
      expectSameShape(actualEntries[i]?.[0], key, `${path}(key #${i})`);
      expectSameShape(actualEntries[i]?.[1], item, `${path}(value #${i})`);
    });
  } else if (expected instanceof Set) {
    const actualItems = [...(actual as Set<unknown>)];
    const expectedItems = [...expected];
    expect(actualItems).toHaveLength(expectedItems.length);
    expectedItems.forEach((item, i) => expectSameShape(actualItems[i], item, `${path}(item #${i})`));
  } else if (ArrayBuffer.isView(expected) || expected instanceof ArrayBuffer) {
    expect(actual).toStrictEqual(expected);
  } else {
    const keys = Reflect.ownKeys(expected);
    expect(Reflect.ownKeys(actual as object)).toEqual(keys);
    for (const key of keys) {
      const { value: _actual, ...actualFlags } = Object.getOwnPropertyDescriptor(actual, key) ?? {};
      const { value: _expected, ...expectedFlags } = Object.getOwnPropertyDescriptor(expected, key) ?? {};
      expect([path, key, actualFlags]).toEqual([path, key, expectedFlags]);
      expectSameShape((actual as Record<string | symbol, unknown>)[key], (expected as Record<string | symbol, unknown>)[key], `${path}.${String(key)}`);
    }
  }
}

describe('cloneSnapshot', () => {
  it.each(values())('copies %s with the types, prototypes and members that decoding gives', (_label, value) => {
    const snapshot = snapshotOf(value);
    expectSameShape(cloneSnapshot(snapshot), snapshotOf(value));
    expectSameShape(cloneSnapshotUnpooled(snapshot), snapshotOf(value));
  });

  it.each(values())('shares no object with the snapshot for %s, so mutating the copy changes nothing stored', (_label, value) => {
    const snapshot = snapshotOf(value);
    const copy = cloneSnapshot(snapshot);
    const stored = objectsIn(snapshot);
    for (const object of objectsIn(copy)) expect(stored.has(object)).toBe(false);
    mutateEverywhere(copy);
    expectSameShape(snapshot, snapshotOf(value));
    // A second copy after the mutation is still the original.
    expectSameShape(cloneSnapshot(snapshot), snapshotOf(value));
  });

  it('keeps an own "__proto__" member as data, never as the prototype', () => {
    const snapshot = snapshotOf(JSON.parse('{"__proto__": {"polluted": true}}'));
    const copy = cloneSnapshot(snapshot) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toStrictEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies own members only, even when Object.prototype has an enumerable object member', () => {
    const snapshot = snapshotOf({ a: { b: 1 } });
    let copy: unknown;
    Object.defineProperty(Object.prototype, 'injected', { value: { evil: true }, enumerable: true, configurable: true });
    try {
      copy = cloneSnapshot(snapshot);
    } finally {
      delete (Object.prototype as Record<string, unknown>).injected;
    }
    expect(Reflect.ownKeys(copy as object)).toEqual(['a']);
    expect(Reflect.ownKeys((copy as { a: object }).a)).toEqual(['b']);
  });

  it('turns array holes into undefined items', () => {
    // eslint-disable-next-line no-sparse-arrays
    const copy = cloneSnapshot([1, , 3]) as unknown[];
    expect(copy).toHaveLength(3);
    expect(1 in copy).toBe(true);
    expect(copy[1]).toBeUndefined();
  });

  it('copies a Buffer as a Buffer, and with cloneSnapshotUnpooled into memory of its own', () => {
    const small = Buffer.from('tiny');
    const pooled = cloneSnapshot(small) as Buffer;
    const own = cloneSnapshotUnpooled(small) as Buffer;
    for (const copy of [pooled, own]) {
      expect(Buffer.isBuffer(copy)).toBe(true);
      expect(copy.toString()).toBe('tiny');
      copy.fill(0);
      expect(small.toString()).toBe('tiny');
    }
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(4);
  });

  it('copies a typed array view into an array of just its bytes', () => {
    const view = new Uint16Array(new Uint16Array([1, 2, 3, 4]).buffer, 2, 2);
    const copy = cloneSnapshot(view) as Uint16Array;
    expect(copy).toBeInstanceOf(Uint16Array);
    expect([...copy]).toEqual([2, 3]);
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(4);
  });

  it.each<[string, unknown, RegExp]>([
    ['a class instance', new Point(), /found a Point/],
    ['an object without prototype', Object.create(null), /found an object without prototype/],
    ['a DataView', new DataView(new ArrayBuffer(2)), /found a DataView/],
    ['a RegExp nested in an array', [1, { re: /x/ }], /found a RegExp/],
    ['a WeakMap', new WeakMap(), /found a WeakMap/],
  ])('refuses %s, which no snapshot holds, with a SerializationError', (_label, value, message) => {
    expect(() => cloneSnapshot(value)).toThrow(SerializationError);
    expect(() => cloneSnapshot(value)).toThrow(message);
  });

  it('refuses a cycle or nesting past 1000 levels with a SerializationError instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => cloneSnapshot(cyclic)).toThrow(/nested more than 1000 levels deep/);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1001; i++) deep = [deep];
    expect(() => cloneSnapshot(deep)).toThrow(SerializationError);
    let fine: unknown = 'bottom';
    for (let i = 0; i < 999; i++) fine = [fine];
    expect(cloneSnapshot(fine)).toStrictEqual(fine);
  });
});
