import { CacheConfigError, CacheKeyError } from '../../lib/errors';
import { compileAutomaticKey, renderArgument } from '../../lib/keys/automatic-key';
import { readSignature } from '../../lib/keys/parameter-names';

describe('compileAutomaticKey: the format', () => {
  const getUser = (id: number, tenant: string) => `${id}${tenant}`;
  const key = compileAutomaticKey('getUser', readSignature(getUser));

  it.each<[string, unknown[], string]>([
    ['numbers are tagged with #', [1, 'acme'], 'getUser:#1:acme'],
    ['strings render as they are', ['1', 'acme'], 'getUser:1:acme'],
    ['the delimiter in a string is escaped', ['a:b', 'c'], 'getUser:a%3Ab:c'],
    ['a leading # in a string is escaped', ['#1', '##'], 'getUser:%231:%23#'],
    ['% is escaped', ['50%', '%23'], 'getUser:50%25:%2523'],
    ['null, undefined and booleans', [null, true], 'getUser:#null:#true'],
    ['objects as sorted JSON, escaped', [{ b: 1, a: 'x' }, ['y']], 'getUser:#{"a"%3A"x","b"%3A1}:#["y"]'],
    ['a Date as ISO text', [new Date(0), ''], 'getUser:#1970-01-01T00%3A00%3A00.000Z:'],
    ['a missing declared argument', [7], 'getUser:#7:#undefined'],
    ['no arguments', [], 'getUser:#undefined:#undefined'],
    ['extra arguments are kept', [1, 'a', 'extra', 2], 'getUser:#1:a:extra:#2'],
    ['trailing undefined extras are dropped', [1, 'a', undefined, undefined], 'getUser:#1:a'],
    ['inner undefined extras are kept', [1, 'a', undefined, 3], 'getUser:#1:a:#undefined:#3'],
  ])('%s', (_title, args, expected) => {
    expect(key.render(args, undefined)).toBe(expected);
  });

  it('does not include the scope', () => {
    expect(key.render([1, 'a'], { id: 1 })).toBe(key.render([1, 'a'], { id: 2 }));
  });

  it('keeps the name as written', () => {
    expect(compileAutomaticKey('Shop.find:v2', readSignature(() => 1)).render([], undefined)).toBe('Shop.find:v2');
  });

  it('f(0) and f(-0) may share a key', () => {
    expect(key.render([0, 'a'], undefined)).toBe(key.render([-0, 'a'], undefined));
  });
});

describe('compileAutomaticKey: literal defaults and rest parameters', () => {
  it('fills in literal defaults', () => {
    const key = compileAutomaticKey('list', readSignature((page: number, size = 10, sort = 'asc') => [page, size, sort]));
    expect(key.render([1], undefined)).toBe('list:#1:#10:asc');
    expect(key.render([1, 10, 'asc'], undefined)).toBe('list:#1:#10:asc');
    expect(key.render([1, undefined, 'desc'], undefined)).toBe('list:#1:#10:desc');
    expect(key.render([1, 20], undefined)).toBe('list:#1:#20:asc');
  });

  it('fills in literal defaults of destructured properties', () => {
    const key = compileAutomaticKey('search', readSignature(({ query, page = 1 }: { query?: string; page?: number } = {}) => [query, page]));
    expect(key.render([{ query: 'q' }], undefined)).toBe('search:#{"page"%3A1,"query"%3A"q"}');
    expect(key.render([{ query: 'q', page: 1 }], undefined)).toBe(key.render([{ query: 'q' }], undefined));
    expect(key.render([{ query: 'q', page: undefined }], undefined)).toBe(key.render([{ query: 'q' }], undefined));
    expect(key.render([], undefined)).toBe('search:#{"page"%3A1}');
    expect(key.render([{ query: 'q', page: 2 }], undefined)).toBe('search:#{"page"%3A2,"query"%3A"q"}');
  });

  it('does not mutate the argument when filling defaults', () => {
    const key = compileAutomaticKey('search', readSignature(({ page = 1 }: { page?: number }) => page));
    const argument = {};
    key.render([argument], undefined);
    expect(argument).toEqual({});
  });

  it('renders rest arguments one by one', () => {
    const key = compileAutomaticKey('sum', readSignature((first: number, ...others: number[]) => first + others.length));
    expect(key.render([1, 2, 3], undefined)).toBe('sum:#1:#2:#3');
    expect(key.render([1], undefined)).toBe('sum:#1');
  });

  it('renders every argument of an unreadable function', () => {
    const key = compileAutomaticKey('max', readSignature(Math.max));
    expect(key.render([3, '4'], undefined)).toBe('max:#3:4');
    expect(key.render([], undefined)).toBe('max');
  });
});

describe('compileAutomaticKey: errors', () => {
  const getUser = (id: number, tenant: string, verbose = false) => `${id}${tenant}${verbose}`;
  const key = compileAutomaticKey('getUser', readSignature(getUser));

  it('assertArgsGiven needs every declared parameter without a literal default', () => {
    expect(() => key.assertArgsGiven([])).toThrow(
      expect.objectContaining({ code: 'E_CACHE_KEY', parameter: 'id', message: expect.stringContaining('automatic key of "getUser" needs parameter "id" (position 0)') }),
    );
    expect(() => key.assertArgsGiven([1])).toThrow(expect.objectContaining({ parameter: 'tenant' }));
    expect(() => key.assertArgsGiven([1, 'a'])).not.toThrow();
    expect(() => key.assertArgsGiven([undefined, undefined])).not.toThrow();
  });

  it('assertArgsGiven does not need a destructured parameter whose properties all have literal defaults', () => {
    const search = compileAutomaticKey('search', readSignature(({ page = 1 }: { page?: number } = {}) => page));
    expect(() => search.assertArgsGiven([])).not.toThrow();
    const find = compileAutomaticKey('find', readSignature(({ id, page = 1 }: { id: number; page?: number }) => id + page));
    expect(() => find.assertArgsGiven([])).toThrow(expect.objectContaining({ parameter: '{ id, page }' }));
  });

  it('a function argument is a CacheKeyError naming the parameter', () => {
    expect(() => key.render([1, () => 'x'], undefined)).toThrow(CacheKeyError);
    expect(() => key.render([1, { cb: () => 'x' }], undefined)).toThrow(
      expect.objectContaining({ parameter: 'tenant', message: expect.stringContaining('automatic key of "getUser": parameter "tenant" cannot be part of a key: tenant.cb is a function') }),
    );
    expect(() => key.render([1, 'a', false, Symbol('s')], undefined)).toThrow(expect.objectContaining({ parameter: '3' }));
  });

  it('refuses an empty name', () => {
    expect(() => compileAutomaticKey('', readSignature(() => 1))).toThrow(CacheConfigError);
    expect(() => compileAutomaticKey('', readSignature(() => 1))).toThrow(expect.objectContaining({ option: 'name' }));
  });
});

describe('renderArgument', () => {
  it.each<[unknown, string]>([
    ['x', 'x'],
    ['#x', '%23x'],
    ['x#', 'x#'],
    [1, '#1'],
    [null, '#null'],
    [[1, '#'], '#[1,"#"]'],
    [10n, '#10n'],
    [new Number(10), '#Number(10)'],
    [new String('x'), '#String("x")'],
  ])('%p → %p', (value, expected) => {
    expect(renderArgument(value, 'p')).toBe(expected);
  });
});
