import { CacheConfigError } from '../../lib/errors';
import { compileTemplate } from '../../lib/keys/compile-template';
import { buildCallArgs, readSignature, type FunctionSignature } from '../../lib/keys/parameter-names';

type AnyFunction = (...args: never[]) => unknown;

/** The parameters of `fn` in a compact form: name, `=default`, `...` for rest, `{props}`. */
function shape(signature: FunctionSignature): string[] {
  return signature.parameters.map((p) => {
    const properties = p.properties?.map((q) => (q.literalDefault ? `${q.name}=${JSON.stringify(q.literalDefault.value)}` : q.name));
    const name = properties ? `{${properties.join(',')}}` : p.name || '?';
    const value = p.literalDefault ? `=${JSON.stringify(p.literalDefault.value)}` : '';
    return `${p.index}:${p.rest ? '...' : ''}${name}${value}`;
  });
}

function source(code: string): AnyFunction {
  // Builds a function from source text only to test exotic syntax that TypeScript would rewrite.
  return new Function(`return (${code});`)() as AnyFunction;
}

class Library {
  static count = 0;
  constructor(readonly id: number) {}
  static find(title: string, exact = false) {
    return [title, exact];
  }
  get size() {
    return this.id;
  }
  set size(value: number) {
    void value;
  }
  async load(id: number, { depth = 2, lazy }: { depth?: number; lazy?: boolean } = {}) {
    return [id, depth, lazy];
  }
  *walk(from = 0, to = 10) {
    yield from + to;
  }
  async *stream(batch = 100) {
    yield batch;
  }
  ['computed' + 'Name'](a: number, [b]: number[] = []) {
    return a + (b ?? 0);
  }
  'quoted name'(x: string) {
    return x;
  }
  async(value: number) {
    return value;
  }
  get(key: string) {
    return key;
  }
}

describe('readSignature: forms of functions', () => {
  it.each<[string, AnyFunction, string[]]>([
    ['a plain function', function plain(a: number, b: string) { return a + b; }, ['0:a', '1:b']],
    ['no parameters', function none() { return 1; }, []],
    ['defaults', function defaults(a: number, b = 1, c = 'x', d = true, e = false, f = null) { return [a, b, c, d, e, f]; }, ['0:a', '1:b=1', '2:c="x"', '3:d=true', '4:e=false', '5:f=null']],
    ['a rest parameter', function rest(a: number, ...more: number[]) { return [a, more]; }, ['0:a', '1:...more']],
    ['a destructured parameter', function destructured({ id, page = 1, tag = 'new' }: { id: number; page?: number; tag?: string }) { return [id, page, tag]; }, ['0:{id,page=1,tag="new"}']],
    ['an arrow with parentheses', (a: number, b = 2) => a + b, ['0:a', '1:b=2']],
    ['an async function', async function load(id: number) { return id; }, ['0:id']],
    ['an async arrow', async (id: number, full = true) => [id, full], ['0:id', '1:full=true']],
    ['a generator', function* gen(limit = 3) { yield limit; }, ['0:limit=3']],
    ['a class method', Library.prototype.load, ['0:id', '1:{depth=2,lazy}']],
    ['a static method', Library.find, ['0:title', '1:exact=false']],
    ['a generator method', Library.prototype.walk, ['0:from=0', '1:to=10']],
    ['an async generator method', Library.prototype.stream, ['0:batch=100']],
    ['a computed method name', (Library.prototype as unknown as Record<string, AnyFunction>)['computedName'] as AnyFunction, ['0:a', '1:?']],
    ['a quoted method name', Library.prototype['quoted name'], ['0:x']],
    ['a method named async', Library.prototype.async, ['0:value']],
    ['a method named get', Library.prototype.get, ['0:key']],
    ['a getter', Object.getOwnPropertyDescriptor(Library.prototype, 'size')?.get as AnyFunction, []],
    ['a setter', Object.getOwnPropertyDescriptor(Library.prototype, 'size')?.set as AnyFunction, ['0:value']],
    ['an object method', { find(q: string, limit = 5) { return [q, limit]; } }.find, ['0:q', '1:limit=5']],
  ])('%s', (_title, fn, expected) => {
    expect(shape(readSignature(fn))).toEqual(expected);
  });

  it.each<[string, string, string[]]>([
    ['an arrow without parentheses', 'x => x * 2', ['0:x']],
    ['an async arrow without parentheses', 'async x => x', ['0:x']],
    ['an arrow whose parameter is named async', 'async => async', ['0:async']],
    ['an async function expression', 'async function (a, b = 1) {}', ['0:a', '1:b=1']],
    ['an async generator', 'async function* g(a = "x") {}', ['0:a="x"']],
    ['comments everywhere', 'function /* ( */ f /* a, b */ (a /* ) */, // , c\n b = 1 /* , */) {}', ['0:a', '1:b=1']],
    ['strings with ) and , in defaults', `function f(a = ')', b = ",", c = '\\')', d = "(,)") {}`, ['0:a=")"', '1:b=","', '2:c="\')"', '3:d="(,)"']],
    ['a template literal default', 'function f(a = `x,)`, b = `${1}`) {}', ['0:a="x,)"', '1:b']],
    ['a template with nested braces', 'function f(a = `${ {b: ")"}.b }`, c) {}', ['0:a', '1:c']],
    ['a regex default', 'function f(a = /[)\\/,]/g, b = 1) {}', ['0:a', '1:b=1']],
    ['a division in a default', 'function f(a = 4 / 2, b = 1) {}', ['0:a', '1:b=1']],
    ['expression defaults are not literal', 'function f(a = 1 + 1, b = [], c = {}, d = g(1, 2), e = undefined, f = -x, g = 10n, h = (1)) {}', ['0:a', '1:b', '2:c', '3:d', '4:e', '5:f', '6:g', '7:h']],
    ['signed, hex, exponent and separator numbers', 'function f(a = -1, b = +2, c = 0x1f, d = 1e3, e = 1_000, f = .5, g = -0) {}', ['0:a=-1', '1:b=2', '2:c=31', '3:d=1000', '4:e=1000', '5:f=0.5', '6:g=0']],
    ['escapes in string defaults', `function f(a = '\\n\\t', b = "\\u0041\\x42", c = '\\u{1F600}') {}`, ['0:a="\\n\\t"', '1:b="AB"', '2:c="😀"']],
    ['a default arrow function', 'function f(a = (x, y) => x, b = 2) {}', ['0:a', '1:b=2']],
    ['an array pattern', 'function f([a, b] = [1, 2], c) {}', ['0:?', '1:c']],
    ['renamed and quoted properties', 'function f({ id: userId, "page-size": size = 20, [k]: v, ...others }) {}', ['0:{id,page-size=20}']],
    ['nested patterns', 'function f({ a: { b } = {}, c = null }) {}', ['0:{a,c=null}']],
    ['a destructured rest', 'function f(a, ...[b, c]) {}', ['0:a', '1:...?']],
    ['a trailing comma', 'function f(a, b,) {}', ['0:a', '1:b']],
    ['unicode names', 'function f(ключ, $x, _y) {}', ['0:ключ', '1:$x', '2:_y']],
    ['a private method', 'class { #p(a) {} static get() { return new this().#p; } }.get()', ['0:a']],
  ])('%s', (_title, code, expected) => {
    expect(shape(readSignature(source(code)))).toEqual(expected);
  });

  it('reports a static method through the class', () => {
    expect(Library.count).toBe(0);
    expect(readSignature(Library.find).hasRest).toBe(false);
  });
});

describe('readSignature: names, rest and unreadable functions', () => {
  it('lists plain names and destructured property names', () => {
    const signature = readSignature(({ id, page = 1 }: { id: number; page?: number }, locale = 'en', ...extra: string[]) => [id, page, locale, extra]);
    expect(signature.names).toEqual(['id', 'page', 'locale', 'extra']);
    expect(signature.hasRest).toBe(true);
  });

  it('keeps the first of two equal names', () => {
    const signature = readSignature(source('function f(id, { id: inner, page }) {}'));
    expect(signature.names).toEqual(['id', 'page']);
  });

  it.each<[string, AnyFunction]>([
    ['a native function', Math.max],
    ['a bound function', function bound(a: number) { return a; }.bind(null)],
    ['a class', class Thing {} as unknown as AnyFunction],
  ])('gives an empty signature with open positions for %s', (_title, fn) => {
    expect(readSignature(fn)).toEqual({ parameters: [], hasRest: true, names: [] });
  });

  it('does not read past the parameter list (the body may be anything)', () => {
    const fn = source('function f(a) { return "unterminated \\" ( /"; }');
    expect(shape(readSignature(fn))).toEqual(['0:a']);
  });

  it('returns frozen signatures', () => {
    const signature = readSignature((a: number) => a);
    expect(Object.isFrozen(signature)).toBe(true);
    expect(Object.isFrozen(signature.parameters)).toBe(true);
  });
});

describe('readSignature: argNames', () => {
  it('replaces what the source says', () => {
    const signature = readSignature((a: number, b = 2) => a + b, ['left', 'right']);
    expect(shape(signature)).toEqual(['0:left', '1:right']);
    expect(signature.names).toEqual(['left', 'right']);
    expect(signature.hasRest).toBe(false);
  });

  it('names the parameters of native and bound functions', () => {
    expect(readSignature(Math.max, ['a', '...others'])).toEqual({
      parameters: [
        { name: 'a', index: 0, rest: false },
        { name: 'others', index: 1, rest: true },
      ],
      hasRest: true,
      names: ['a', 'others'],
    });
  });

  it.each<[string, unknown[], string]>([
    ['a name with a space', ['user id'], 'entry 0 ("user id") is not a parameter name'],
    ['an empty name', ['a', ''], 'entry 1 ("") is not a parameter name'],
    ['a name starting with a digit', ['1a'], 'entry 0 ("1a") is not a parameter name'],
    ['a repeated name', ['a', 'a'], 'entry 1 ("a") repeats a name'],
    ['a rest entry that is not last', ['...a', 'b'], 'entry 0 ("...a") is not a parameter name'],
    ['a non-string', [3], 'entry 0 (3) is not a parameter name'],
  ])('refuses %s', (_title, names, message) => {
    const run = () => readSignature(function getUser() { return 1; }, names as string[]);
    expect(run).toThrow(CacheConfigError);
    expect(run).toThrow(expect.objectContaining({ option: 'argNames', message: expect.stringContaining(`cached(getUser) option "argNames": ${message}`) }));
  });

  it('refuses argNames that are not a list', () => {
    expect(() => readSignature(Math.max, 'a' as unknown as string[], 'cached(max)')).toThrow('cached(max) option "argNames" must be a list of parameter names');
  });
});

describe('buildCallArgs', () => {
  it('maps names to values with literal defaults filled in', () => {
    const signature = readSignature((id: number, page = 1, sort: string | null = null, extra?: string) => [id, page, sort, extra]);
    expect(buildCallArgs(signature, [5])).toEqual({ id: 5, page: 1, sort: null, extra: undefined });
    expect(buildCallArgs(signature, [5, undefined, 'asc'])).toEqual({ id: 5, page: 1, sort: 'asc', extra: undefined });
    expect(buildCallArgs(signature, [5, 0, null, 'x'])).toEqual({ id: 5, page: 0, sort: null, extra: 'x' });
  });

  it('fills destructured properties, also when the whole argument is missing', () => {
    const signature = readSignature(({ query, page = 1 }: { query?: string; page?: number } = {}) => [query, page]);
    expect(buildCallArgs(signature, [{ query: 'q' }])).toEqual({ query: 'q', page: 1 });
    expect(buildCallArgs(signature, [])).toEqual({ query: undefined, page: 1 });
    expect(buildCallArgs(signature, [{ query: 'q', page: 4 }])).toEqual({ query: 'q', page: 4 });
  });

  it('gives a rest parameter the array of its arguments', () => {
    const signature = readSignature((first: string, ...others: string[]) => [first, others]);
    expect(buildCallArgs(signature, ['a', 'b', 'c'])).toEqual({ first: 'a', others: ['b', 'c'] });
    expect(buildCallArgs(signature, [])).toEqual({ first: undefined, others: [] });
  });

  it('keeps a parameter named __proto__ as a plain property', () => {
    const callArgs = buildCallArgs(readSignature(source('function f(__proto__) {}')), [{ polluted: true }]);
    expect(Object.getPrototypeOf(callArgs)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(callArgs, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads destructured properties as own properties only', () => {
    const signature = readSignature(({ toString }: { toString?: unknown }) => toString);
    expect(buildCallArgs(signature, [{}])).toEqual({ toString: undefined });
  });
});

describe('readSignature: code instrumented for coverage', () => {
  it('sees literal defaults through istanbul counters (jest --coverage)', () => {
    // What istanbul-lib-instrument emits for `function f(a, b = 10, { c = "x" } = {})`.
    const instrumented = source('function f(a,b=(cov_1jsdbdalc4().b[0][0]++,10),{c=(cov_1jsdbdalc4().b[2][0]++,"x")}=(cov_1jsdbdalc4().b[1][0]++,{})){}');
    expect(shape(readSignature(instrumented))).toEqual(['0:a', '1:b=10', '2:{c="x"}']);
    expect(shape(readSignature(source('(x=(cov_1().b[3][0]++,true))=>x')))).toEqual(['0:x=true']);
  });

  it('does not unwrap other parenthesised sequences', () => {
    expect(shape(readSignature(source('function f(a = (g(), 1)) {}')))).toEqual(['0:a']);
  });
});

describe('a plain parameter and a destructured property with the same name', () => {
  const fn = source('function f({ id: inner, page = 1 }, id) {}');

  it('resolves to the plain parameter, in callArgs as in templates', () => {
    const signature = readSignature(fn);
    expect(signature.names).toEqual(['id', 'page']);
    expect(buildCallArgs(signature, [{ id: 'property' }, 'plain'])).toEqual({ id: 'plain', page: 1 });
    const template = compileTemplate('{id}:{page}', signature, { label: 'cached(f)', option: 'cacheKey' });
    expect(template.render([{ id: 'property' }, 'plain'], undefined)).toBe('plain:1');
  });
});
