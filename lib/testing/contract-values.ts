/** A class whose instances must come back as plain objects. */
class Point {
  x = 1;
  y = 2;
  get sum(): number {
    return this.x + this.y;
  }
}

/** One value every backend must round-trip: a label, what is written and what must come back. */
export type RoundTripCase = readonly [label: string, written: unknown, expected: unknown];

/** Values every backend must round-trip, with what must come back (fresh objects on each call). */
export function roundTripCases(): RoundTripCase[] {
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

/** Key suffixes that a naive backend would mangle; each must stay a key of its own. */
export function awkwardKeySuffixes(): string[] {
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

/** Values no backend may store: each must be refused with `SerializationError`. */
export function unstorableCases(): Array<readonly [label: string, value: unknown]> {
  return [
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a nested function', { a: { b: [1, () => 2] } }],
    ['a symbol in a Map', new Map([['k', Symbol('s')]])],
  ];
}
