import { SerializationError } from '../../lib/errors';
import { taggedJson } from '../../lib/serializer/tagged-json';
import { expectSame } from '../helpers/expect-same';

const { encode, decode } = taggedJson;
const roundTrip = (value: unknown): unknown => decode(encode(value));

class Account {
  id = 7;
  #secret = 'hidden';
  get label(): string {
    return `account ${this.id} ${this.#secret}`;
  }
  toJSON(): string {
    return 'would have replaced the object';
  }
}

describe('taggedJson round trips', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['true', true],
    ['0', 0],
    ['-0', -0],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a large float', 1.7976931348623157e308],
    ['an empty string', ''],
    ['a lone high surrogate', '\uD83D'],
    ['a lone low surrogate between text', 'a\uDE00b'],
    ['a reversed pair', '\uDE00\uD83D'],
    ['a full surrogate pair', '🧪'],
    ['every control character', Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')],
    ['a string that looks like our mark', 'ec1t:{"$":"u"}'],
    ['a Date', new Date('1969-07-20T20:17:40.001Z')],
    ['an invalid Date', new Date('nope')],
    ['a BigInt', -(2n ** 100n)],
    ['0n', 0n],
    ['a Map with object keys', new Map<unknown, unknown>([[{ k: 1 }, 'v'], [null, undefined], [NaN, -0]])],
    ['a Set', new Set([undefined, 1n, 'a', new Date(0)])],
    ['a Buffer', Buffer.from('héllo')],
    ['a Uint8Array', new Uint8Array([1, 2, 3])],
    ['a Uint8Array view into a larger buffer', new Uint8Array(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2)],
    ['a Float64Array', new Float64Array([1.5, NaN, -0])],
    ['a BigInt64Array', new BigInt64Array([-1n, 2n ** 62n])],
    ['an Int16Array', new Int16Array([-32768, 32767])],
    ['an ArrayBuffer', new Uint8Array([5, 6]).buffer],
    ['an object with undefined members', { a: undefined, b: [undefined] }],
    ['nested everything', { list: [{ at: new Date(1), ids: new Set([1n]) }], map: new Map([['m', { n: NaN }]]) }],
    ['an empty object and array', { o: {}, a: [] }],
    ['integer-like keys', { '1': 'a', '0': 'b', x: 'c' }],
  ])('%s', (_label, value) => {
    expectSame(roundTrip(value), value);
  });

  it('turns a Uint8Array view into a fresh array of just its bytes', () => {
    const view = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    const back = roundTrip(view) as Uint8Array;
    expect([...back]).toEqual([8, 7]);
    expect(back.byteOffset).toBe(0);
    expect(back.buffer.byteLength).toBe(2);
  });

  it('brings class instances back as plain objects of their own enumerable properties, ignoring toJSON', () => {
    const back = roundTrip({ account: new Account() });
    expect(back).toStrictEqual({ account: { id: 7 } });
    expect(Object.getPrototypeOf((back as { account: object }).account)).toBe(Object.prototype);
  });

  it('brings an object without prototype back as a plain object', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(roundTrip(bare)).toStrictEqual({ a: 1 });
  });

  it('brings array holes back as undefined', () => {
    // eslint-disable-next-line no-sparse-arrays
    const back = roundTrip([1, , 3]) as unknown[];
    expect(back).toHaveLength(3);
    expect(1 in back).toBe(true);
    expect(back[1]).toBeUndefined();
  });

  it('leaves out symbol-keyed members, as JSON does', () => {
    expect(roundTrip({ a: 1, [Symbol('s')]: 2 })).toStrictEqual({ a: 1 });
  });

  it('keeps values shared by two members (not a cycle)', () => {
    const shared = { n: 1 };
    expect(roundTrip({ a: shared, b: shared, when: new Date(0) })).toStrictEqual({ a: { n: 1 }, b: { n: 1 }, when: new Date(0) });
  });

  it('writes only text that survives UTF-8, even for lone surrogates', () => {
    for (const value of ['\uD800', { k: 'x\uDFFF' }, new Map([['\uD800', 1]])]) {
      const text = encode(value);
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
      expectSame(decode(Buffer.from(text, 'utf8').toString('utf8')), value);
    }
  });
});

describe('taggedJson fast path', () => {
  it.each<[string, unknown]>([
    ['a string', 'hello'],
    ['a number', 3.25],
    ['a boolean', false],
    ['null', null],
    ['an object of primitives', { id: 1, name: 'n', tags: ['a', 'b'], ok: true, none: null }],
    ['an object with a "$" key', { $: 'd', v: 0 }],
  ])('writes %s as plain JSON behind the mark', (_label, value) => {
    expect(encode(value)).toBe(`ec1j:${JSON.stringify(value)}`);
    expect(decode(encode(value))).toStrictEqual(value);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['-0', -0],
    ['NaN', NaN],
    ['a nested Date', { a: [new Date(0)] }],
    ['a nested undefined', { a: { b: undefined } }],
    ['a class instance', new Account()],
    ['an array hole', [1, , 2]], // eslint-disable-line no-sparse-arrays
  ])('tags %s', (_label, value) => {
    expect(encode(value).startsWith('ec1t:')).toBe(true);
  });
});

describe('taggedJson user data that looks like a tag', () => {
  it.each<[string, unknown]>([
    ['"$date"', { $date: '2020-01-01T00:00:00.000Z', when: new Date(0) }],
    ['a "$" member naming a tag', { $: 'd', v: 0, when: new Date(0) }],
    ['the undefined tag', { x: { $: 'u' }, y: undefined }],
    ['the escape tag itself', { $: 'o', v: { $: 'u' }, n: NaN }],
    ['a "$" member with no other key', [{ $: 'b' }, 1n]],
    ['a "$" member inside a Map and a Set', new Map([['$', { $: 'm', v: [] }]])],
    ['a "$" key holding a real special value', { $: undefined }],
  ])('round-trips an object with %s', (_label, value) => {
    expectSame(roundTrip(value), value);
  });
});

describe('taggedJson refuses what it cannot store', () => {
  it.each<[string, unknown, RegExp]>([
    ['a function', () => 1, /cannot encode a function at value:/],
    ['a symbol', Symbol('s'), /cannot encode a symbol at value:/],
    ['a nested function', { user: { tags: [1, 2, () => 3] } }, /a function at value\.user\.tags\[2\]/],
    ['an awkward key', { 'a b': { c: Symbol('s') } }, /a symbol at value\["a b"\]\.c/],
    ['a Map value', { byId: new Map([['a', () => 1]]) }, /a function at value\.byId\.get\("a"\)/],
    ['a Map key', new Map([[Symbol('k'), 1]]), /a symbol at value\(key #0\)/],
    ['a Set item', new Set([1, () => 1]), /a function at value\(item #1\)/],
    ['an own toJSON function', { toJSON: () => 'x' }, /a function at value\.toJSON/],
  ])('%s', (_label, value, message) => {
    expect(() => encode(value)).toThrow(SerializationError);
    expect(() => encode(value)).toThrow(message);
  });

  it('refuses cycles through objects, arrays and Maps', () => {
    const object: Record<string, unknown> = {};
    object.self = object;
    const array: unknown[] = [];
    array.push([array]);
    const map = new Map<string, unknown>();
    map.set('me', { map });
    for (const value of [object, array, map]) {
      expect(() => encode(value)).toThrow(SerializationError);
      expect(() => encode(value)).toThrow(/cyclic/);
    }
    expect(() => encode(object)).toThrow(/value\.self refers back/);
  });

  it('refuses nesting deeper than 1000 levels without overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => encode(deep)).toThrow(/nested more than 1000 levels/);
    let ok: unknown = 'bottom';
    for (let i = 0; i < 900; i++) ok = { a: ok };
    expect(roundTrip(ok)).toStrictEqual(ok);
  });

  it('wraps an error thrown by a getter', () => {
    const value = {
      get boom(): never {
        throw new Error('getter failed');
      },
    };
    expect(() => encode(value)).toThrow(SerializationError);
    expect(() => encode(value)).toThrow(/getter failed/);
  });
});

describe('taggedJson decoding hostile text', () => {
  it.each<[string, unknown, RegExp]>([
    ['an empty string', '', /does not start with "ec1j:" or "ec1t:"/],
    ['plain JSON from another client', '{"a":1}', /easy-cache did not write it/],
    ['a wrong version mark', 'ec2j:{}', /did not write it/],
    ['the mark only', 'ec1j:', /not JSON/],
    ['garbage after the mark', 'ec1j:{not json', /not JSON/],
    ['garbage after the tagged mark', 'ec1t:\u0000', /not JSON/],
    ['an unknown tag', 'ec1t:{"$":"x"}', /unknown tag "x"/],
    ['a tag that is not a string', 'ec1t:{"$":{"a":1}}', /unknown tag/],
    ['a bad number tag', 'ec1t:{"$":"n","v":"1e9"}', /no known special number/],
    ['a bad bigint', 'ec1t:{"$":"b","v":"12abc"}', /bigint tag holds no integer/],
    ['a bigint with code', 'ec1t:{"$":"b","v":"process.exit()"}', /bigint tag holds no integer/],
    ['a bad date', 'ec1t:{"$":"d","v":"2020"}', /date tag holds no time/],
    ['bad base64', 'ec1t:{"$":"B","v":"!!"}', /no base64/],
    ['an unknown typed array', 'ec1t:{"$":"T","k":"Function","v":""}', /unknown typed array "Function"/],
    ['typed array bytes of a wrong length', 'ec1t:{"$":"T","k":"Float64Array","v":"AAE="}', /wrong length/],
    ['a map that is not pairs', 'ec1t:{"$":"m","v":[[1]]}', /not a pair/],
    ['a map without entries', 'ec1t:{"$":"m","v":3}', /no entries/],
    ['a set without items', 'ec1t:{"$":"s"}', /no items/],
    ['an escaped non-object', 'ec1t:{"$":"o","v":[1]}', /escaped object holds no object/],
  ])('refuses %s with SerializationError', (_label, text, message) => {
    expect(() => decode(text as string)).toThrow(SerializationError);
    expect(() => decode(text as string)).toThrow(message);
  });

  it.each([null, undefined, 42, {}])('refuses %p, which is not text', (value) => {
    expect(() => decode(value as unknown as string)).toThrow(/expected text/);
  });

  it('refuses tagged text nested 100 000 levels deep without overflowing the stack', () => {
    const text = `ec1t:${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => decode(text)).toThrow(/nesting deeper than 1000 levels/);
  });

  it('reads plain text nested 100 000 levels deep without overflowing the stack', () => {
    const text = `ec1j:${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(Array.isArray(decode(text))).toBe(true);
  });

  it.each([
    ['plain', 'ec1j:{"__proto__":{"polluted":true},"a":1}'],
    ['tagged', 'ec1t:{"__proto__":{"polluted":{"$":"u"}},"a":{"$":"n","v":"NaN"}}'],
    ['escaped', 'ec1t:{"$":"o","v":{"$":1,"__proto__":{"polluted":true}}}'],
  ])('keeps a "__proto__" member of %s text an own data property, never a prototype', (_label, text) => {
    const value = decode(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toHaveProperty('polluted');
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('round-trips an own "__proto__" member', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"d":null}') as Record<string, unknown>;
    value.d = new Date(0);
    const back = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ x: 1 });
  });

  it('treats "constructor" and "prototype" members as data', () => {
    const value = decode('ec1t:{"constructor":{"prototype":{"polluted":true}},"n":{"$":"u"}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['constructor', 'n']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
