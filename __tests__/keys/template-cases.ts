/**
 * The table run by compile-template.test.ts: a template, the function whose parameters it may
 * name, a call (arguments and scope), and either the key it renders or the error it raises
 * (code, message fragment and, for template errors, the index of the fault).
 */

/** A function whose signature the template is compiled against. */
type AnyFunction = (...args: never[]) => unknown;

export interface TemplateCase {
  readonly title: string;
  readonly template: string;
  readonly fn: AnyFunction;
  readonly args?: readonly unknown[];
  readonly scope?: unknown;
  /** The rendered key. */
  readonly key?: string;
  /** Or the error: its code, a fragment of its message and, for templates, the index of the fault. */
  readonly error?: { readonly code: 'E_CACHE_TEMPLATE' | 'E_CACHE_KEY'; readonly message: string; readonly index?: number };
}

const getUser = (id: number, tenant: string) => `${id}@${tenant}`;
const withDefaults = (a: number, b = 10, c = 'x', d: string | null = null, e = true, f = -1.5) => [a, b, c, d, e, f];
const list = (ids: number[], opts: { page?: number; size?: number }) => [ids, opts];
const variadic = (first: string, ...others: string[]) => [first, ...others];
const search = ({ query, page = 1 }: { query: string; page?: number }, locale = 'en') => [query, page, locale];
const nothing = () => 0;
class Shop {
  constructor(readonly id: number) {}
}

export const TEMPLATE_CASES: readonly TemplateCase[] = [
  // Names, positions and literal text
  { title: 'a name', template: 'user:{id}', fn: getUser, args: [42, 'acme'], key: 'user:42' },
  { title: 'two names', template: 'user:{tenant}:{id}', fn: getUser, args: [42, 'acme'], key: 'user:acme:42' },
  { title: 'positions', template: '{1}/{0}', fn: getUser, args: [42, 'acme'], key: 'acme/42' },
  { title: 'no placeholder', template: 'constant', fn: getUser, args: [1, 'a'], key: 'constant' },
  { title: 'placeholder only', template: '{id}', fn: getUser, args: [7, 'a'], key: '7' },
  { title: 'four placeholders', template: '{id}{tenant}{id}-{tenant}', fn: getUser, args: [1, 'b'], key: '1b1-b' },
  { title: 'six placeholders', template: '{0}{1}{0}{1}{0}{1}!', fn: getUser, args: [1, 'b'], key: '1b1b1b!' },
  { title: 'literal braces', template: '{{id}}:{id}:}}{{', fn: getUser, args: [3, 'a'], key: '{id}:3:}{' },
  { title: 'braces around a placeholder', template: '{{{id}}}', fn: getUser, args: [3, 'a'], key: '{3}' },
  { title: 'literal text is never escaped', template: 'a%b:c:{id}', fn: getUser, args: [1, 'a'], key: 'a%b:c:1' },
  { title: 'unicode literal text', template: 'ключ:{id}:✓', fn: getUser, args: [1, 'a'], key: 'ключ:1:✓' },

  // Rendering of values
  { title: 'a string with the delimiter is escaped', template: 'u:{id}:{tenant}', fn: getUser, args: ['1:2', '3'], key: 'u:1%3A2:3' },
  { title: 'the other split of the same text differs', template: 'u:{id}:{tenant}', fn: getUser, args: ['1', '2:3'], key: 'u:1:2%3A3' },
  { title: 'the escape character is escaped', template: 'u:{id}', fn: getUser, args: ['100%'], key: 'u:100%25' },
  { title: 'null and undefined by name', template: '{id}/{tenant}', fn: getUser, args: [null, undefined], key: 'null/undefined' },
  { title: 'numbers by String', template: '{0},{1}', fn: getUser, args: [NaN, -0], key: 'NaN,0' },
  { title: 'Infinity and bigint', template: '{0},{1}', fn: getUser, args: [-Infinity, 12345678901234567890n], key: '-Infinity,12345678901234567890' },
  { title: 'booleans', template: '{0},{1}', fn: getUser, args: [true, false], key: 'true,false' },
  { title: 'a Date as ISO text, escaped', template: 'd:{id}', fn: getUser, args: [new Date(Date.UTC(2024, 0, 2, 3, 4, 5))], key: 'd:2024-01-02T03%3A04%3A05.000Z' },
  { title: 'an invalid Date', template: 'd:{id}', fn: getUser, args: [new Date(NaN)], key: 'd:Invalid Date' },
  { title: 'an object as sorted JSON', template: 'q:{id}', fn: getUser, args: [{ b: 2, a: 'x' }], key: 'q:{"a"%3A"x","b"%3A2}' },
  { title: 'an array', template: 'q:{id}', fn: getUser, args: [[3, 'a', null]], key: 'q:[3,"a",null]' },
  { title: 'undefined inside an array', template: 'q:{id}', fn: getUser, args: [[undefined]], key: 'q:[undefined]' },
  { title: 'a class instance like a plain object', template: 's:{id}', fn: getUser, args: [new Shop(4)], key: 's:{"id"%3A4}' },

  // this
  { title: 'this', template: 'shop:{this}', fn: getUser, args: [], scope: 'main', key: 'shop:main' },
  { title: 'this.id', template: 'shop:{this.id}:{id}', fn: getUser, args: [1, 'a'], scope: new Shop(9), key: 'shop:9:1' },
  { title: 'this missing', template: 'shop:{this.id}', fn: getUser, args: [], scope: undefined, key: 'shop:undefined' },
  { title: 'this.id of a primitive scope', template: 'shop:{this.id}', fn: getUser, args: [], scope: 5, key: 'shop:undefined' },

  // Paths
  { title: 'a dotted path', template: 'u:{id.name}', fn: getUser, args: [{ name: 'ann' }], key: 'u:ann' },
  { title: 'a deep path', template: 'u:{id.a.b.c}', fn: getUser, args: [{ a: { b: { c: 'deep' } } }], key: 'u:deep' },
  { title: 'an index', template: 'l:{ids[0]}:{ids[1]}', fn: list, args: [[5, 6], {}], key: 'l:5:6' },
  { title: 'a dotted index', template: 'l:{ids.1}', fn: list, args: [[5, 6], {}], key: 'l:6' },
  { title: 'an unquoted key', template: 'l:{opts[page]}', fn: list, args: [[], { page: 3 }], key: 'l:3' },
  { title: 'a key with a dash', template: 'l:{opts[page-size]}', fn: list, args: [[], { 'page-size': 20 }], key: 'l:20' },
  { title: 'a path on a position', template: 'l:{1.page}', fn: list, args: [[], { page: 2 }], key: 'l:2' },
  { title: 'a missing segment renders undefined', template: 'l:{opts.page.x}', fn: list, args: [[], {}], key: 'l:undefined' },
  { title: 'a path through null', template: 'l:{opts.page}', fn: list, args: [[], null], key: 'l:undefined' },
  { title: 'length of an array (own property)', template: 'l:{ids.length}', fn: list, args: [[1, 2, 3], {}], key: 'l:3' },
  { title: 'inherited properties are not read', template: 'l:{opts.toString}', fn: list, args: [[], {}], key: 'l:undefined' },
  { title: 'class getters are read', template: 'l:{opts.size}', fn: list, args: [[], new (class { get size() { return 1; } })()], key: 'l:1' },
  { title: 'path values are escaped', template: 'l:{opts.page}', fn: list, args: [[], { page: 'a:b' }], key: 'l:a%3Ab' },

  // Literal defaults
  { title: 'a missing argument takes its literal default', template: '{a}:{b}:{c}:{d}:{e}:{f}', fn: withDefaults, args: [1], key: '1:10:x:null:true:-1.5' },
  { title: 'an undefined argument takes its literal default', template: '{a}:{b}', fn: withDefaults, args: [1, undefined], key: '1:10' },
  { title: 'a given argument beats the default', template: '{a}:{b}', fn: withDefaults, args: [1, 20], key: '1:20' },
  { title: 'null does not take the default', template: '{b}', fn: withDefaults, args: [1, null], key: 'null' },
  { title: 'a position takes the literal default', template: '{1}', fn: withDefaults, args: [1], key: '10' },
  { title: 'a missing argument without default', template: 'user:{id}', fn: getUser, args: [], key: 'user:undefined' },
  { title: 'a destructured property', template: 's:{query}:{page}:{locale}', fn: search, args: [{ query: 'cats', page: 2 }, 'fr'], key: 's:cats:2:fr' },
  { title: 'a destructured default', template: 's:{query}:{page}:{locale}', fn: search, args: [{ query: 'cats' }], key: 's:cats:1:en' },
  { title: 'a destructured default without the object', template: 's:{page}', fn: search, args: [], key: 's:1' },
  { title: 'a destructured parameter by position', template: 's:{0}', fn: search, args: [{ query: 'q', page: 3 }], key: 's:{"page"%3A3,"query"%3A"q"}' },

  // Rest parameters
  { title: 'a rest parameter by name', template: 'v:{others}', fn: variadic, args: ['a', 'b', 'c'], key: 'v:["b","c"]' },
  { title: 'an empty rest parameter', template: 'v:{others}', fn: variadic, args: ['a'], key: 'v:[]' },
  { title: 'a position inside the rest', template: 'v:{first}:{2}', fn: variadic, args: ['a', 'b', 'c'], key: 'v:a:c' },
  { title: 'a position beyond the arguments', template: 'v:{5}', fn: variadic, args: ['a'], key: 'v:undefined' },
  { title: 'positions on an unreadable function', template: 'm:{0}:{1}', fn: Math.max, args: [1, 2], key: 'm:1:2' },

  // Call-time errors
  { title: 'a function argument', template: 'u:{id}', fn: getUser, args: [() => 1], error: { code: 'E_CACHE_KEY', message: 'parameter "id" cannot be part of a key: id is a function' } },
  { title: 'a symbol argument', template: 'u:{id}', fn: getUser, args: [Symbol('s')], error: { code: 'E_CACHE_KEY', message: 'id is a symbol' } },
  { title: 'a nested function', template: 'u:{id}', fn: getUser, args: [{ a: [1, { f: () => 1 }] }], error: { code: 'E_CACHE_KEY', message: 'id.a[1].f is a function' } },
  { title: 'a function under a path', template: 'u:{id.a}', fn: getUser, args: [{ a: { cb: () => 1 } }], error: { code: 'E_CACHE_KEY', message: 'id.a.cb is a function' } },
  { title: 'a symbol in this', template: 'u:{this}', fn: getUser, args: [], scope: { s: Symbol('x') }, error: { code: 'E_CACHE_KEY', message: 'parameter "this" cannot be part of a key: this.s is a symbol' } },
  { title: 'the owner is named', template: 'u:{id}', fn: getUser, args: [() => 1], error: { code: 'E_CACHE_KEY', message: 'cached(getUser) option "cacheKey": parameter "id"' } },

  // Compile-time errors
  { title: 'an unknown name', template: 'user:{usr}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'cached(getUser) option "cacheKey": unknown placeholder "{usr}" at index 5 in "user:{usr}"; parameters are id, tenant', index: 5 } },
  { title: 'an unknown name on a function without parameters', template: 'x:{id}', fn: nothing, error: { code: 'E_CACHE_TEMPLATE', message: 'the function declares no named parameters', index: 2 } },
  { title: 'an unknown name on an unreadable function', template: 'x:{id}', fn: Math.max, error: { code: 'E_CACHE_TEMPLATE', message: 'name them with the argNames option', index: 2 } },
  { title: 'a position beyond the declared parameters', template: 'u:{id}:{2}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'placeholder "{2}" is beyond the 2 declared parameters at index 7 in "u:{id}:{2}"; the function has no rest parameter', index: 7 } },
  { title: 'a lone opening brace', template: 'u:{id', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'unclosed "{" at index 2 in "u:{id"; write "{{" for a literal brace', index: 2 } },
  { title: 'an opening brace inside a placeholder', template: 'u:{i{d}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'unclosed "{" at index 2', index: 2 } },
  { title: 'a lone closing brace', template: 'u:id}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'lone "}" at index 4 in "u:id}"; write "}}" for a literal brace', index: 4 } },
  { title: 'an empty placeholder', template: 'u:{}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'empty placeholder "{}" at index 2', index: 2 } },
  { title: 'a double-quoted path', template: 'u:{id["b"]}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'quoted path "{id["b"]}" at index 2', index: 2 } },
  { title: 'a single-quoted path', template: "u:{id['b']}", fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'quoted path', index: 2 } },
  { title: '__proto__ in a path', template: 'u:{id.__proto__}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'placeholder "{id.__proto__}" reads "__proto__" at index 2', index: 2 } },
  { title: 'prototype in a path', template: 'u:{id[prototype]}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'reads "prototype"', index: 2 } },
  { title: 'constructor on this', template: '{this.constructor.name}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'reads "constructor"', index: 0 } },
  { title: 'spaces in a placeholder', template: 'u:{ id }', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder "{ id }"', index: 2 } },
  { title: 'a format specifier', template: 'u:{id:>5}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder "{id:>5}"', index: 2 } },
  { title: 'an expression', template: 'u:{id + 1}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder', index: 2 } },
  { title: 'a call', template: 'u:{id.toString()}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder', index: 2 } },
  { title: 'a trailing dot', template: 'u:{id.}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder', index: 2 } },
  { title: 'an unclosed bracket', template: 'u:{id[0}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder', index: 2 } },
  { title: 'an empty bracket', template: 'u:{id[]}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder', index: 2 } },
  { title: 'a position with a leading zero', template: 'u:{01}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'invalid placeholder "{01}"', index: 2 } },
  { title: 'an empty template', template: '', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'empty template', index: 0 } },
  { title: 'syntax faults are reported before unknown names', template: '{usr}:{}', fn: getUser, error: { code: 'E_CACHE_TEMPLATE', message: 'empty placeholder', index: 6 } },
];
