import { cloneNoted, cloneWithMemberNoted, type PlanNotes } from '../../lib/serializer/clone-plan';
import { NOT_PLAIN, clonePlainJson, cloneStoredPlainJson, copyPlainJson, holdsObjectsOnlyIn } from '../../lib/serializer/plain-json-copy';
import { mutateEverywhere, objectsIn } from '../helpers/mutate-everywhere';

class Point {
  x = 1;
  y = 2;
}

/** `depth` arrays, one inside the other, around a string. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Plain JSON data: `JSON.parse(JSON.stringify(v))` copies each without loss. Each row builds a fresh value. */
const PLAIN: Array<[string, () => unknown]> = [
  ['a string', () => 'text'],
  ['an empty string', () => ''],
  ['a unicode string', () => 'zażółć 🧪 日本語 \u0000 \n\t "quoted"'],
  ['lone surrogates', () => ['a\uD800b', '\uDC00', '\uDBFF']],
  ['zero', () => 0],
  ['integers, large and negative', () => [42, -7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60]],
  ['fractions and extremes', () => [0.1, -1.5e-7, 1e308, -1.7976931348623157e308, 5e-324]],
  ['null', () => null],
  ['booleans', () => [true, false]],
  ['an empty object', () => ({})],
  ['an empty array', () => []],
  [
    'nested objects and arrays',
    () => ({ user: { name: 'Ada', roles: ['admin', { level: 2, scopes: [] }] }, grid: [[1, [2, [3]]], {}], empty: {}, none: [], nothing: null }),
  ],
  ['an own "__proto__" member', () => JSON.parse('{"__proto__": {"x": 1}, "list": [{"__proto__": [2]}]}')],
  ['an object without prototype (the copy has Object.prototype)', () => Object.assign(Object.create(null) as object, { a: { b: 1 }, list: [Object.assign(Object.create(null) as object, { c: 2 })] })],
  [
    'an object with a getter (its value is copied as data)',
    () => ({
      plain: 1,
      get computed() {
        return { n: [1] };
      },
    }),
  ],
  ['a non-enumerable member (left out, as JSON does)', () => Object.defineProperty({ a: 1 }, 'hidden', { value: { x: 1 }, enumerable: false })],
  ['a non-enumerable symbol-keyed member (left out, as JSON does)', () => Object.defineProperty({ a: 1 }, Symbol('hidden'), { value: 2, enumerable: false })],
  ['an array with a named member (left out, as JSON does)', () => Object.assign([1, 2], { extra: 'x' })],
  ['frozen objects (the copy can be changed)', () => Object.freeze({ a: Object.freeze([1, Object.freeze({ b: 2 })]) })],
  [
    'one object reached twice (copied twice)',
    () => {
      const shared = { n: [1] };
      return { a: shared, b: [shared] };
    },
  ],
  ['integer-like keys, in the order JSON gives', () => ({ z: 'first written', '10': 'a', '2': 'b', '-1': 'c', '1.5': 'd' })],
  ['a "$" member', () => ({ $: 'd', v: 1 })],
  ['1000 levels of nesting (the most allowed)', () => nested(1000)],
  ['a 100 kB string', () => ({ text: 'x'.repeat(100_000) })],
];

/** Values that are not plain JSON data: JSON would lose, change or refuse something in each. */
const NOT_PLAIN_VALUES: Array<[string, () => unknown]> = [
  ['a Date', () => new Date(0)],
  ['a Date inside an object', () => ({ at: new Date(0) })],
  ['a Map', () => ({ byId: new Map([['a', 1]]) })],
  ['a Set', () => [new Set([1])]],
  ['a Buffer', () => ({ bytes: Buffer.from('abc') })],
  ['a typed array', () => [new Uint8Array([1])]],
  ['a class instance', () => new Point()],
  ['a class instance in an array', () => [{ points: [new Point()] }]],
  ['an object whose prototype is another object', () => Object.create({ inherited: 1 }) as object],
  ['a boxed string', () => ({ s: new String('x') })],
  ['a function', () => () => 1],
  ['a nested function', () => ({ a: { f: () => 1 } })],
  ['a toJSON method', () => ({ toJSON: () => 'text' })],
  ['a symbol', () => Symbol('s')],
  ['a symbol value', () => ({ s: Symbol('s') })],
  ['a BigInt', () => ({ n: 1n })],
  ['undefined', () => undefined],
  ['an undefined member', () => ({ a: undefined, b: 1 })],
  ['an undefined array item', () => [1, undefined]],
  ['NaN', () => ({ n: NaN })],
  ['Infinity', () => [Infinity]],
  ['-Infinity', () => ({ n: -Infinity })],
  ['-0', () => -0],
  ['-0 inside', () => ({ list: [1, -0] })],
  // eslint-disable-next-line no-sparse-arrays
  ['an array with a hole', () => [1, , 3]],
  ['a symbol-keyed member', () => ({ a: 1, [Symbol('k')]: 2 })],
  ['1001 levels of nesting', () => nested(1001)],
  [
    'a cycle through an object',
    () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      return cyclic;
    },
  ],
  [
    'a cycle through an array',
    () => {
      const cyclic: unknown[] = [];
      cyclic.push({ back: cyclic });
      return cyclic;
    },
  ],
];

/** The rows whose values are objects or arrays: what `clonePlainJson` is given (primitives are kept as they are). */
const PLAIN_CONTAINERS = PLAIN.filter(([, make]) => {
  const value = make();
  return typeof value === 'object' && value !== null;
});

function expectPlainPrototypes(copy: unknown): void {
  for (const object of objectsIn(copy)) {
    expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(object));
  }
}

function expectNothingShared(copy: unknown, source: unknown): void {
  const sourceObjects = objectsIn(source);
  for (const object of objectsIn(copy)) expect(sourceObjects.has(object)).toBe(false);
}

describe('copyPlainJson', () => {
  it.each(PLAIN)('copies %s as JSON.parse(JSON.stringify(value)) does', (_label, make) => {
    const value = make();
    const copy = copyPlainJson(value);
    expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)));
    // Same members in the same order at every level.
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expectPlainPrototypes(copy);
  });

  it.each(PLAIN)('shares no object or array with %s, so changing the copy changes nothing in it', (_label, make) => {
    const value = make();
    const before = JSON.stringify(value);
    const copy = copyPlainJson(value);
    expectNothingShared(copy, value);
    mutateEverywhere(copy);
    expect(JSON.stringify(value)).toBe(before);
  });

  it.each(NOT_PLAIN_VALUES)('answers NOT_PLAIN for %s', (_label, make) => {
    expect(copyPlainJson(make())).toBe(NOT_PLAIN);
  });

  it('keeps an own "__proto__" member as an own data property and never sets a prototype', () => {
    const copy = copyPlainJson(JSON.parse('{"__proto__": {"x": 1}, "list": [{"__proto__": [2]}]}')) as { list: object[] };
    for (const [object, member] of [
      [copy, { x: 1 }],
      [copy.list[0], [2]],
    ] as const) {
      expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(object, '__proto__')).toStrictEqual({ value: member, writable: true, enumerable: true, configurable: true });
    }
    expect((copy as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reads a getter exactly once and copies what it returned as a data property', () => {
    let reads = 0;
    const value = {
      get total() {
        reads++;
        return { n: reads };
      },
    };
    const copy = copyPlainJson(value);
    expect(reads).toBe(1);
    expect(Object.getOwnPropertyDescriptor(copy, 'total')).toStrictEqual({ value: { n: 1 }, writable: true, enumerable: true, configurable: true });
  });

  it('throws what a getter throws, at any depth', () => {
    const failing = {
      get bad(): never {
        throw new Error('getter failed');
      },
    };
    expect(() => copyPlainJson(failing)).toThrow('getter failed');
    expect(() => copyPlainJson({ list: [1, { inner: failing }] })).toThrow('getter failed');
  });

  it('leaves out enumerable members that a library added to Object.prototype, as JSON does', () => {
    const value = { a: { b: 1 }, list: [{}] };
    let copy: unknown;
    let clone: unknown;
    // An object member would also be walked into if for-in's inherited keys were copied.
    Object.defineProperty(Object.prototype, 'injected', { value: { evil: true }, enumerable: true, configurable: true, writable: true });
    try {
      copy = copyPlainJson(value);
      clone = clonePlainJson(copy as object);
    } finally {
      delete (Object.prototype as Record<string, unknown>).injected;
    }
    for (const result of [copy, clone]) {
      expect(result).toStrictEqual({ a: { b: 1 }, list: [{}] });
      for (const object of objectsIn(result)) expect(Object.hasOwn(object, 'injected')).toBe(false);
    }
  });
});

describe.each([
  ['clonePlainJson', clonePlainJson],
  ['cloneStoredPlainJson (its top level copied apart)', cloneStoredPlainJson],
  // Cloned twice: the first clone plans the object, the second follows the plan.
  ['cloneNoted (planned, then by its plan)', (value: object) => plannedTwice(value)],
])('%s', (_name, clone) => {
  it.each(PLAIN_CONTAINERS)('clones the copy of %s: equal, members in the same order, nothing shared', (_label, make) => {
    expectTrueClone(clone, copyPlainJson(make()) as object);
  });

  it('clones an entry-shaped top level around a nested value: equal, nothing shared', () => {
    expectTrueClone(clone, copyPlainJson({ m: 'easy-cache:3', v: { id: 1, roles: ['admin', { level: [2] }] }, t: { 'tag:a': 'x' }, f: 5, g: 9 }) as object);
  });

  it('keeps an own "__proto__" member as an own data property and never sets a prototype', () => {
    const copy = copyPlainJson(JSON.parse('{"__proto__": {"x": 1}, "list": [{"__proto__": [2]}]}'));
    const cloned = clone(copy as object) as { list: object[] };
    expect(Object.getPrototypeOf(cloned)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(cloned, '__proto__')?.value).toStrictEqual({ x: 1 });
    expect(Object.getPrototypeOf(cloned.list[0])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(cloned.list[0], '__proto__')?.value).toStrictEqual([2]);
    // The member was rebuilt too, not shared with the copy.
    expect(Object.getOwnPropertyDescriptor(cloned, '__proto__')?.value).not.toBe(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value);
  });
});

/** Slot notes of a holder of its own (as a `ClockStore` keeps them), empty. */
function freshNotes(): PlanNotes {
  const notes = new Map<number, unknown>();
  return { noteOf: (slot) => notes.get(slot), setNote: (slot, note) => void notes.set(slot, note) };
}

describe('cloneWithMemberNoted (clone-plan.ts), for what holdsObjectsOnlyIn accepts', () => {
  it('accepts an object whose only object members are the named one, and nothing else', () => {
    expect(holdsObjectsOnlyIn({ m: 'x', v: { a: [1] }, f: 5 }, 'v')).toBe(true);
    expect(holdsObjectsOnlyIn({ m: 'x', v: 'text', f: null }, 'v')).toBe(true);
    expect(holdsObjectsOnlyIn({ m: 'x' }, 'v')).toBe(true);
    expect(holdsObjectsOnlyIn({ v: { a: 1 }, t: { b: 'c' } }, 'v')).toBe(false);
    expect(holdsObjectsOnlyIn({ v: 1, list: [] }, 'v')).toBe(false);
    expect(holdsObjectsOnlyIn([{ v: 1 }], 'v')).toBe(false);
    expect(holdsObjectsOnlyIn('v', 'v')).toBe(false);
    expect(holdsObjectsOnlyIn(null, 'v')).toBe(false);
  });

  it('ignores members that a library added to Object.prototype', () => {
    (Object.prototype as Record<string, unknown>).injected = { x: 1 };
    try {
      expect(holdsObjectsOnlyIn({ m: 'x', v: { a: 1 } }, 'v')).toBe(true);
    } finally {
      delete (Object.prototype as Record<string, unknown>).injected;
    }
  });

  it.each([
    ['an entry around a nested value', { m: 'easy-cache:3', v: { id: 1, roles: ['admin', { level: [2] }] }, f: 5, g: 9 }],
    ['an entry around an array', { m: 'easy-cache:3', v: [{ a: 1 }, [2]], n: '2' }],
    ['an entry around a primitive', { m: 'easy-cache:3', v: 'text' }],
  ])('clones %s: equal, members in the same order, nothing shared', (_label, value) => {
    const copy = copyPlainJson(value) as object;
    expect(holdsObjectsOnlyIn(copy, 'v')).toBe(true);
    expectTrueClone((stored) => cloneWithMemberNoted(freshNotes(), 0, stored, 'v'), copy);
  });
});

/** `cloneNoted` of `value` in a fresh slot, twice: the second clone is the one returned, made by the plan. */
function plannedTwice(value: object): object {
  const notes = freshNotes();
  cloneNoted(notes, 0, value);
  return cloneNoted(notes, 0, value);
}

/** `clone(copy)` equals `copy` member for member, shares no object with it, and changing it leaves `copy` as it was. */
function expectTrueClone(clone: (value: object) => object, copy: object): void {
  const before = JSON.stringify(copy);
  const cloned = clone(copy);
  expect(cloned).toStrictEqual(copy);
  expect(JSON.stringify(cloned)).toBe(before);
  expectPlainPrototypes(cloned);
  expectNothingShared(cloned, copy);
  mutateEverywhere(cloned);
  expect(JSON.stringify(copy)).toBe(before);
}
