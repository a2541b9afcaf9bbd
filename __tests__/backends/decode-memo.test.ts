/**
 * `DecodeMemo` through `Codec`, without a server: a key read again with the text it had is copied
 * from a value kept for that text instead of parsed, each reader gets a value of its own equal to
 * what decoding gives, and what is kept stays within its bounds.
 */
import { Codec } from '../../lib/backends/shared/codec';
import { DecodeMemo, MIN_MEMO_CHARS, NOT_KEPT } from '../../lib/backends/shared/decode-memo';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SerializationError, taggedJson, type Serializer } from '../../lib';

const MEMO = { maxEntries: 100, maxChars: 100_000 };

/** The text of an entry as the core stores it: long enough to be kept. */
const textOf = (value: unknown): string => taggedJson.encode({ m: 'easy-cache:test', v: value, f: 1_796_403_260_511, g: 1_796_493_260_434 });

/** Counts the `JSON.parse` calls made while `run` runs. */
function parsesDuring(run: () => void): number {
  const parse = jest.spyOn(JSON, 'parse');
  try {
    run();
    return parse.mock.calls.length;
  } finally {
    parse.mockRestore();
  }
}

describe('Codec with a decode memo', () => {
  it('parses a key\'s text the first two times, then copies it without parsing', () => {
    const codec = new Codec('Test', taggedJson, MEMO);
    const text = textOf({ id: 1, roles: ['admin'] });
    expect(parsesDuring(() => codec.decode('user:1', text))).toBe(1);
    expect(parsesDuring(() => codec.decode('user:1', text))).toBe(1);
    // Equal but not the same string: what a client reads from the network each time.
    const again = Buffer.from(text).toString();
    expect(parsesDuring(() => codec.decode('user:1', again))).toBe(0);
    expect(codec.decode('user:1', again)).toEqual(taggedJson.decode(text));
  });

  it('gives every reader a value of its own: changing one, deep down, changes no other', () => {
    const codec = new Codec('Test', taggedJson, MEMO);
    const text = textOf({ id: 1, roles: ['admin'], address: { city: 'Paris' }, at: new Date(0), ids: new Set([1]), byId: new Map([[1, 'a']]) });
    const reads = Array.from({ length: 4 }, () => codec.decode('user:1', text) as { v: Record<string, unknown> });
    const [first, , third] = reads as [(typeof reads)[0], unknown, (typeof reads)[0]];
    (first.v['roles'] as string[]).push('root');
    (first.v['address'] as { city: string }).city = 'Lyon';
    (first.v['at'] as Date).setTime(5);
    (first.v['ids'] as Set<number>).add(2);
    (first.v['byId'] as Map<number, string>).clear();
    third.v['id'] = 2;
    const next = codec.decode('user:1', text);
    expect(next).toEqual(taggedJson.decode(text));
    expect(reads[3]).toEqual(taggedJson.decode(text));
  });

  // Every kind `cloneSnapshot` copies is checked member by member in clone-snapshot.test.ts.
  it('copies exactly what decoding gives: types, prototypes, -0, NaN, undefined and an own "__proto__" member', () => {
    const codec = new Codec('Test', taggedJson, MEMO);
    const value = {
      nested: [undefined, -0, NaN, Infinity, 10n ** 20n],
      at: new Date(0),
      bytes: Buffer.from('hello'),
      floats: new Float64Array([1.5, -2]),
      set: new Set(['a', { b: 1 }]),
      map: new Map<unknown, unknown>([[{ k: 1 }, ['v']]]),
    };
    const text = taggedJson.encode(value);
    const plain = `ec1j:{"__proto__":{"polluted":true},"padding":"${'x'.repeat(MIN_MEMO_CHARS)}"}`;
    for (const [key, stored] of [['special', text], ['proto', plain]] as const) {
      codec.decode(key, stored);
      codec.decode(key, stored);
      const copy = codec.decode(key, stored);
      const decoded = taggedJson.decode(stored);
      expect(copy).toStrictEqual(decoded);
      expect(Object.getPrototypeOf(copy)).toBe(Object.getPrototypeOf(decoded));
    }
    const copy = codec.decode('special', text) as typeof value;
    expect(Object.is(copy.nested[1], -0)).toBe(true);
    expect(Buffer.isBuffer(copy.bytes)).toBe(true);
    const proto = codec.decode('proto', plain) as Record<string, unknown>;
    expect(Object.hasOwn(proto, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('decodes a key\'s new text, never the value kept for its old one', () => {
    const codec = new Codec('Test', taggedJson, MEMO);
    const before = textOf({ id: 1, name: 'Ada' });
    const after = textOf({ id: 1, name: 'Grace' });
    for (let i = 0; i < 3; i++) codec.decode('user:1', before);
    expect(codec.decode('user:1', after)).toEqual(taggedJson.decode(after));
    expect(codec.decode('user:1', before)).toEqual(taggedJson.decode(before));
  });

  it('keeps values per key: the same text under two keys is kept for each', () => {
    const codec = new Codec('Test', taggedJson, MEMO);
    const text = textOf({ shared: true });
    for (let i = 0; i < 2; i++) {
      codec.decode('a', text);
      codec.decode('b', text);
    }
    expect(parsesDuring(() => [codec.decode('a', text), codec.decode('b', text)])).toBe(0);
  });

  it('rejects text it cannot decode with a SerializationError naming the key, keeps nothing of it, and decodes good text after it', () => {
    const codec = new Codec('Test', taggedJson, MEMO);
    const bad = `ec1j:{"not json${'!'.repeat(MIN_MEMO_CHARS)}`;
    for (let i = 0; i < 3; i++) {
      expect(() => codec.decode('user:1', bad)).toThrow(SerializationError);
      expect(() => codec.decode('user:1', bad)).toThrow(/Test: cannot decode the value under "user:1"/);
    }
    const good = textOf({ id: 1 });
    expect(codec.decode('user:1', good)).toEqual(taggedJson.decode(good));
  });

  it('parses short text every time: a lookup costs what its parse does', () => {
    const codec = new Codec('Test', taggedJson, MEMO);
    const short = taggedJson.encode('v1');
    expect(short.length).toBeLessThan(MIN_MEMO_CHARS);
    for (let i = 0; i < 2; i++) codec.decode('tag', short);
    expect(parsesDuring(() => codec.decode('tag', short))).toBe(1);
  });

  it('keeps nothing with a custom serializer, whose values it could not copy faithfully', () => {
    let decodes = 0;
    const custom: Serializer = { encode: (value) => JSON.stringify(value), decode: (text) => (decodes++, JSON.parse(text) as unknown) };
    const codec = new Codec('Test', custom, MEMO);
    const text = JSON.stringify({ padding: 'x'.repeat(MIN_MEMO_CHARS) });
    for (let i = 0; i < 4; i++) codec.decode('k', text);
    expect(decodes).toBe(4);
  });

  it('keeps nothing without memo settings', () => {
    const codec = new Codec('Test', taggedJson);
    const text = textOf({ id: 1 });
    for (let i = 0; i < 2; i++) codec.decode('k', text);
    expect(parsesDuring(() => codec.decode('k', text))).toBe(1);
  });
});

describe('Codec with the copy made as the read left (expect)', () => {
  /** A codec that has seen `text` under `key` twice, so that it keeps its value. */
  function keeping(key: string, text: string): Codec {
    const codec = new Codec('Test', taggedJson, MEMO);
    codec.decode(key, text);
    codec.decode(key, text);
    return codec;
  }

  it('answers a reply equal to the text expected with the copy made as the read left, parsing nothing; each read gets its own', () => {
    const text = textOf({ id: 1, roles: ['admin'], address: { city: 'Paris', lines: [{ n: 1 }] } });
    const codec = keeping('user:1', text);
    const first = codec.expect('user:1');
    const second = codec.expect('user:1');
    let values: Array<{ v: { roles: string[]; address: { city: string; lines: Array<{ n: number }> } } }> = [];
    expect(parsesDuring(() => (values = [codec.decode('user:1', Buffer.from(text).toString(), first), codec.decode('user:1', text, second)] as typeof values))).toBe(0);
    const [a, b] = values as [(typeof values)[0], (typeof values)[0]];
    expect(a).not.toBe(b);
    expect(a).toStrictEqual(taggedJson.decode(text));
    a.v.roles.push('root');
    a.v.address.lines[0]!.n = 2;
    expect(b).toStrictEqual(taggedJson.decode(text));
    expect(codec.decode('user:1', text, codec.expect('user:1'))).toStrictEqual(taggedJson.decode(text));
  });

  it('decodes a reply whose text changed after the read left, never answering with the copy made for the old text', () => {
    const before = textOf({ id: 1, name: 'Ada' });
    const after = textOf({ id: 1, name: 'Grace' });
    const codec = keeping('user:1', before);
    const expected = codec.expect('user:1');
    expect(expected).toBeDefined();
    expect(codec.decode('user:1', after, expected)).toStrictEqual(taggedJson.decode(after));
    // The new text is kept in turn: seen twice, then copied.
    codec.decode('user:1', after, codec.expect('user:1'));
    let copy: unknown;
    expect(parsesDuring(() => (copy = codec.decode('user:1', after, codec.expect('user:1'))))).toBe(0);
    expect(copy).toStrictEqual(taggedJson.decode(after));
  });

  it('expects nothing for a key whose value it does not keep: never read, read once, or with a custom serializer', () => {
    const text = textOf({ id: 1 });
    const codec = new Codec('Test', taggedJson, MEMO);
    expect(codec.expect('user:1')).toBeUndefined();
    codec.decode('user:1', text);
    expect(codec.expect('user:1')).toBeUndefined();
    const custom = new Codec('Test', { encode: (value) => JSON.stringify(value), decode: (stored) => JSON.parse(stored) as unknown }, MEMO);
    const plain = JSON.stringify({ padding: 'x'.repeat(MIN_MEMO_CHARS) });
    custom.decode('k', plain);
    custom.decode('k', plain);
    expect(custom.expect('k')).toBeUndefined();
  });

  it('copies plain data by its plan and other data whole, each exactly what decoding gives', () => {
    const plain = textOf({ list: [{ a: [1, { b: 'c' }] }, 'x', null], n: -1.5, ok: true });
    const special = textOf({ list: [{ at: new Date(1) }], zero: -0 });
    for (const text of [plain, special]) {
      const codec = keeping('k', text);
      const copies = [codec.decode('k', text, codec.expect('k')), codec.decode('k', text)] as Array<{ v: { list: Array<Record<string, unknown>> } }>;
      for (const copy of copies) expect(copy).toStrictEqual(taggedJson.decode(text));
      copies[0]!.v.list[0]!['a'] = 'changed';
      expect(copies[1]).toStrictEqual(taggedJson.decode(text));
    }
  });
});

describe('DecodeMemo bounds', () => {
  it('keeps a text sliced out of a whole response without keeping the response alive (the memcached client hands out such slices)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const memo = new DecodeMemo({ maxEntries: 1000, maxChars: 1_000_000 });
    const text = textOf({ padding: 'x'.repeat(100) });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      // A response of 100 kB around the value, as a client's buffer of many replies would be.
      const response = `${String(i).repeat(50_000)}${text}${'-'.repeat(50_000)}`;
      const start = response.indexOf(text);
      memo.keep(`k${i}`, response.slice(start, start + text.length), undefined);
    }
    gc();
    const perKey = (process.memoryUsage().heapUsed - before) / 200;
    expect(memo.size).toBe(200);
    expect(perKey).toBeLessThan(10_000);
  });

  it('keeps a text with a lone surrogate (which UTF-8 cannot carry) as it is', () => {
    const memo = new DecodeMemo(MEMO);
    const text = `ec1j:{"m":"easy-cache:test","v":"a\uD800b","padding":"${'x'.repeat(MIN_MEMO_CHARS)}"}`;
    const value = taggedJson.decode(text);
    memo.keep('k', text, value);
    memo.keep('k', text, value);
    expect(memo.copyOf('k', text.slice(0))).toStrictEqual(value);
    // What a UTF-8 round trip would have made of it is another text.
    expect(memo.copyOf('k', Buffer.from(text).toString())).toBe(NOT_KEPT);
  });

  it(`holds at most maxEntries keys`, () => {
    const memo = new DecodeMemo({ maxEntries: 8, maxChars: 1_000_000 });
    for (let i = 0; i < 100; i++) memo.keep(`k${i}`, textOf({ i }), taggedJson.decode(textOf({ i })));
    expect(memo.size).toBe(8);
  });

  it('holds at most maxChars characters of text, and no text longer than a sixteenth of it', () => {
    const text = textOf({ padding: 'x'.repeat(100) });
    const memo = new DecodeMemo({ maxEntries: 1000, maxChars: text.length * 16 });
    for (let i = 0; i < 100; i++) memo.keep(`k${i}`, text, undefined);
    expect(memo.size).toBe(16);
    const tight = new DecodeMemo({ maxEntries: 1000, maxChars: text.length * 16 - 1 });
    tight.keep('k', text, undefined);
    expect(tight.size).toBe(0);
  });

  it('copies nothing for a text seen once, or a key it never held', () => {
    const memo = new DecodeMemo(MEMO);
    const text = textOf({ id: 1 });
    expect(memo.copyOf('k', text)).toBe(NOT_KEPT);
    memo.keep('k', text, taggedJson.decode(text));
    expect(memo.copyOf('k', text)).toBe(NOT_KEPT);
    memo.keep('k', text, taggedJson.decode(text));
    expect(memo.copyOf('k', text)).toEqual(taggedJson.decode(text));
    expect(memo.copyOf('other', text)).toBe(NOT_KEPT);
  });
});
