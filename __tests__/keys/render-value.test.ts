import { CacheKeyError } from '../../lib/errors';
import { compileAutomaticKey } from '../../lib/keys/automatic-key';
import { readSignature } from '../../lib/keys/parameter-names';
import { escapeKeyPart, renderValue } from '../../lib/keys/render-value';

describe('escapeKeyPart', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a:b', 'a%3Ab'],
    ['100%', '100%25'],
    ['%3A', '%253A'],
    [':%:', '%3A%25%3A'],
    ['#hash {brace} space', '#hash {brace} space'],
  ])('%p → %p', (input, expected) => {
    expect(escapeKeyPart(input)).toBe(expected);
  });

  it('returns text without : or % unchanged', () => {
    const text = 'user_favorite_books';
    expect(escapeKeyPart(text)).toBe(text);
  });

  it('is injective: different texts never escape to the same text', () => {
    const texts = ['a:b', 'a%3Ab', 'a%253Ab', 'a%b', 'a%25b', 'a::b', 'a:%b'];
    expect(new Set(texts.map(escapeKeyPart)).size).toBe(texts.length);
  });
});

describe('renderValue: top-level values', () => {
  it.each<[string, unknown, string]>([
    ['a string as it is', 'hello world', 'hello world'],
    ['a string with the delimiter', 'a:b', 'a%3Ab'],
    ['an integer', 42, '42'],
    ['a float', 1.5, '1.5'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['-0', -0, '0'],
    ['a bigint', 10n ** 20n, '100000000000000000000'],
    ['true', true, 'true'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a Date', new Date(Date.UTC(2020, 1, 29)), '2020-02-29T00%3A00%3A00.000Z'],
    ['an invalid Date', new Date('nope'), 'Invalid Date'],
    ['an empty array', [], '[]'],
    ['an array', [1, 'a', [null]], '[1,"a",[null]]'],
    ['an object with sorted keys', { b: 1, a: 2, c: { z: 0, y: 1 } }, '{"a"%3A2,"b"%3A1,"c"%3A{"y"%3A1,"z"%3A0}}'],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { k: 'v' }), '{"k"%3A"v"}'],
    ['a Map with sorted entries', new Map<unknown, unknown>([['b', 1], ['a', [2]]]), 'Map[["a",[2]],["b",1]]'],
    ['a Set with sorted elements', new Set([3, 1, 'x']), 'Set["x",1,3]'],
    ['a Uint8Array', new Uint8Array([1, 2, 255]), 'Uint8Array[1,2,255]'],
    ['a Buffer', Buffer.from('hi'), 'Uint8Array[104,105]'],
    ['a RegExp', /a:b/gi, '/a%3Ab/gi'],
  ])('%s', (_title, value, expected) => {
    expect(renderValue(value, 'p')).toBe(expected);
  });
});

describe('renderValue: values inside objects and arrays', () => {
  it.each<[string, unknown, string]>([
    ['undefined differs from a missing property', { a: undefined }, '{"a"%3Aundefined}'],
    ['undefined in an array differs from null', [undefined, null], '[undefined,null]'],
    ['a hole renders like undefined', [1, , 3], '[1,undefined,3]'],
    ['NaN and Infinity stay themselves', [NaN, Infinity, -Infinity], '[NaN,Infinity,-Infinity]'],
    ['a bigint is marked', [1n], '[1n]'],
    ['a Date is marked', [new Date(0)], '[Date(1970-01-01T00%3A00%3A00.000Z)]'],
    ['strings are quoted JSON', ['a"b', 'ü'], '["a\\"b","ü"]'],
    ['keys that need quoting', { 'a b': 1, '': 2 }, '{""%3A2,"a b"%3A1}'],
    ['numeric keys sort as text', { 10: 'x', 9: 'y', a: 'z' }, '{"10"%3A"x","9"%3A"y","a"%3A"z"}'],
  ])('%s', (_title, value, expected) => {
    expect(renderValue(value, 'p')).toBe(expected);
  });

  it('renders class instances by their own enumerable properties, sorted', () => {
    class Point {
      #secret = 1;
      constructor(readonly y: number, readonly x: number) {}
      get norm() {
        return this.#secret;
      }
    }
    expect(renderValue(new Point(2, 1), 'p')).toBe('{"x"%3A1,"y"%3A2}');
    expect(renderValue(new Point(2, 1), 'p')).toBe(renderValue({ y: 2, x: 1 }, 'p'));
  });

  it('ignores symbol-keyed properties', () => {
    expect(renderValue({ [Symbol('s')]: 1, a: 1 }, 'p')).toBe('{"a"%3A1}');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { id: 1 };
    expect(renderValue([shared, { again: shared }], 'p')).toBe('[{"id"%3A1},{"again"%3A{"id"%3A1}}]');
  });
});

describe('renderValue: determinism', () => {
  it('does not depend on insertion order', () => {
    expect(renderValue({ a: 1, b: 2 }, 'p')).toBe(renderValue({ b: 2, a: 1 }, 'p'));
    expect(renderValue(new Map([[1, 'a'], [2, 'b']]), 'p')).toBe(renderValue(new Map([[2, 'b'], [1, 'a']]), 'p'));
    expect(renderValue(new Set(['a', 'b']), 'p')).toBe(renderValue(new Set(['b', 'a']), 'p'));
  });

  it('gives the same text on every call for a deep value', () => {
    const value = { list: [1, { z: [new Date(5), 2n, new Set([{ b: 1, a: 2 }])] }], m: new Map([[{ k: 1 }, null]]) };
    const first = renderValue(value, 'p');
    for (let i = 0; i < 5; i += 1) expect(renderValue(structuredClone(value), 'p')).toBe(first);
  });

  it('keeps distinct values apart', () => {
    const values: unknown[] = [
      1, '1', [1], ['1'], { a: 1 }, { a: '1' }, { a: undefined }, {}, [undefined], [null], [], null, undefined, 'null',
      [1n], [NaN], new Map([[1, 1]]), new Set([1]), [new Date(0)], ['1970-01-01T00:00:00.000Z'], { a: [1, 2] }, { a: [2, 1] },
      new Number(1), new String('1'), new Boolean(true), Object(1n), [new Number(1)],
    ];
    const rendered = values.map((value) => renderValue(value, 'p'));
    // Top-level 1 and '1', null and 'null' share a template rendering by design; automatic keys tag types.
    expect(new Set(rendered).size).toBe(values.length - 2);
  });
});

describe('renderValue: values that cannot be part of a key', () => {
  function errorOf(value: unknown, parameter = 'filter'): CacheKeyError {
    try {
      renderValue(value, parameter);
    } catch (error) {
      return error as CacheKeyError;
    }
    throw new Error('renderValue did not throw');
  }

  it.each<[string, unknown, string]>([
    ['a function', () => 1, 'filter is a function'],
    ['a symbol', Symbol('x'), 'filter is a symbol'],
    ['a nested function', { where: { test: () => true } }, 'filter.where.test is a function'],
    ['a function in an array', [1, [2, Math.max]], 'filter[1][1] is a function'],
    ['a symbol under a quoted key', { 'a b': Symbol('x') }, 'filter["a b"] is a symbol'],
    ['a function in a Map', new Map([['k', () => 1]]), 'filter<Map entry> is a function'],
    ['a symbol in a Set', new Set([Symbol('x')]), 'filter<Set element> is a symbol'],
    ['a boxed symbol', Object(Symbol('x')), 'filter is a symbol'],
    ['a class instance holding a function', new (class { cb = () => 1; })(), 'filter.cb is a function'],
  ])('refuses %s, naming the parameter and the place', (_title, value, message) => {
    const error = errorOf(value);
    expect(error).toBeInstanceOf(CacheKeyError);
    expect(error.code).toBe('E_CACHE_KEY');
    expect(error.parameter).toBe('filter');
    expect(error.message).toContain(`parameter "filter" cannot be part of a key: ${message}`);
    expect(error.message).toContain('use a key function');
  });

  it('refuses a cycle', () => {
    const node: { name: string; self?: unknown } = { name: 'n' };
    node.self = { back: node };
    expect(errorOf(node).message).toContain('filter.self.back refers back to an object that contains it (a cycle)');
    const list: unknown[] = [];
    list.push(list);
    expect(errorOf(list)).toBeInstanceOf(CacheKeyError);
  });

  it('refuses nesting deeper than 100 levels instead of overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    expect(errorOf(deep).message).toContain('is nested deeper than 100 levels');
    let fine: unknown = 'bottom';
    for (let i = 0; i < 50; i += 1) fine = { a: fine };
    expect(renderValue(fine, 'p')).toContain('"bottom"');
  });
});

describe('distinct automatic keys', () => {
  const key = compileAutomaticKey('f', readSignature(Math.max));
  const render = (...args: unknown[]) => key.render(args, undefined);

  it.each<[string, unknown[], unknown[]]>([
    ['f(1) and f("1")', [1], ['1']],
    ['f("a:b") and f("a", "b")', ['a:b'], ['a', 'b']],
    ['f(null) and f("null")', [null], ['null']],
    ['f(undefined, 1) and f("undefined", 1)', [undefined, 1], ['undefined', 1]],
    ['f("#1") and f(1)', ['#1'], [1]],
    ['f(true) and f("true")', [true], ['true']],
    ['f([1]) and f("[1]")', [[1]], ['[1]']],
    ['f({}) and f("{}")', [{}], ['{}']],
    ['f(1n) and f("1")', [1n], ['1']],
    ['f(10n) and f(10)', [10n], [10]],
    ['f([10n]) and f([10])', [[10n]], [[10]]],
    ['f(new Number(10)) and f(10)', [new Number(10)], [10]],
    ['f(new Number(10)) and f({})', [new Number(10)], [{}]],
    ['f(new Number(1)) and f(new Number(2))', [new Number(1)], [new Number(2)]],
    ['f(new String("a")) and f("a")', [new String('a')], ['a']],
    ['f(new Boolean(false)) and f(new Boolean(true))', [new Boolean(false)], [new Boolean(true)]],
    ['f(Object(10n)) and f(new Number(10))', [Object(10n)], [new Number(10)]],
    ['f(date) and f(its ISO text)', [new Date(0)], ['1970-01-01T00:00:00.000Z']],
    ['f("") and f()', [''], []],
    ['f("a%3Ab") and f("a:b")', ['a%3Ab'], ['a:b']],
    ['f(":") and f("", "")', [':'], ['', '']],
    ['f(["a:b"]) and f(["a", "b"])', [['a:b']], [['a', 'b']]],
  ])('keeps %s apart', (_title, left, right) => {
    expect(render(...left)).not.toBe(render(...right));
  });

  it('gives every value of a large mixed set its own key', () => {
    const values: unknown[] = ['', ' ', '#', '%', ':', '#1', '1', 1, -1, 1.5, '1.5', 0, NaN, Infinity, 'Infinity', null, undefined, true, false,
      'true', [], {}, [[]], [{}], { a: 1 }, { a: '1' }, new Map(), new Set(), 'Map[]', new Date(1), 2n, '2', [undefined], [null],
      2, '2n', new Number(2), new String('2'), new Boolean(true), Object(2n), { a: new Number(1) }];
    const keys = values.map((value) => render(value));
    expect(new Set(keys).size).toBe(values.length);
    const pairs = values.flatMap((a) => values.map((b) => render(a, b)));
    expect(new Set(pairs).size).toBe(values.length * values.length);
  });
});
