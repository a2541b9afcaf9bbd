import { CacheConfigError, CacheKeyError, CacheTemplateError } from '../../lib/errors';
import { compileNameList, compileTemplate } from '../../lib/keys/compile-template';
import { createCacheKey } from '../../lib/keys/key-parts';
import { readSignature } from '../../lib/keys/parameter-names';
import { TEMPLATE_CASES, type TemplateCase } from './template-cases';

const where = { label: 'cached(getUser)', option: 'cacheKey' };

/** Compiles and renders one case, returning the key or the error thrown (at compile or call time). */
function run(testCase: TemplateCase): { key?: string; error?: unknown } {
  try {
    const compiled = compileTemplate(testCase.template, readSignature(testCase.fn), where);
    return { key: compiled.render(testCase.args ?? [], testCase.scope) };
  } catch (error) {
    return { error };
  }
}

describe('compileTemplate: the table of cases', () => {
  const renders = TEMPLATE_CASES.filter((testCase) => testCase.key !== undefined);
  const fails = TEMPLATE_CASES.filter((testCase) => testCase.error !== undefined);

  it.each(renders.map((testCase) => [testCase.title, testCase] as const))('renders %s', (_title, testCase) => {
    const outcome = run(testCase);
    expect(outcome.error).toBeUndefined();
    expect(outcome.key).toBe(testCase.key);
  });

  it.each(fails.map((testCase) => [testCase.title, testCase] as const))('refuses %s', (_title, testCase) => {
    const expected = testCase.error as NonNullable<TemplateCase['error']>;
    const { error } = run(testCase);
    expect(error).toBeInstanceOf(expected.code === 'E_CACHE_TEMPLATE' ? CacheTemplateError : CacheKeyError);
    expect(error).toMatchObject({ code: expected.code });
    expect((error as Error).message).toContain(expected.message);
    if (expected.code === 'E_CACHE_TEMPLATE') {
      expect(error).toBeInstanceOf(CacheConfigError);
      expect(error).toMatchObject({ template: testCase.template, index: expected.index, option: 'cacheKey' });
    } else {
      expect(error).toHaveProperty('parameter');
    }
  });

  it('has both kinds of case', () => {
    expect(renders.length).toBeGreaterThan(40);
    expect(fails.length).toBeGreaterThan(20);
  });
});

describe('compileTemplate: errors are found when compiling, never when calling', () => {
  it('throws at compile time for every template fault', () => {
    const getUser = (id: number, tenant: string) => `${id}${tenant}`;
    expect(() => compileTemplate('user:{usr}', readSignature(getUser), where)).toThrow(CacheTemplateError);
  });

  it('never throws for missing arguments at call time', () => {
    const compiled = compileTemplate('{a}:{b.c}:{0}:{this.x}', readSignature((a: number, b: { c: number }) => a + b.c), where);
    expect(compiled.render([], undefined)).toBe('undefined:undefined:undefined:undefined');
  });

  it('refuses a non-string template with a CacheConfigError', () => {
    expect(() => compileTemplate(42 as unknown as string, readSignature(() => 1), where)).toThrow(
      /cached\(getUser\) option "cacheKey" must be a template string; received number/,
    );
  });

  it('stores the option named by the caller', () => {
    const fn = (id: number) => id;
    expect(() => compileTemplate('tag:{x}', readSignature(fn), { label: 'cached(fn)', option: 'tags' })).toThrow(
      expect.objectContaining({ option: 'tags', message: expect.stringContaining('cached(fn) option "tags": unknown placeholder "{x}"') }),
    );
  });

  it('names the parameters given by argNames', () => {
    const signature = readSignature(Math.max, ['left', 'right']);
    expect(() => compileTemplate('{top}', signature, where)).toThrow('parameters are left, right');
    expect(compileTemplate('{left}-{right}', signature, where).render([1, 2], undefined)).toBe('1-2');
  });
});

describe('compileTemplate: pathological templates stay linear', () => {
  const fn = (id: number) => id;
  const signature = readSignature(fn);

  /** Milliseconds to run `body` (best of three, so a GC pause does not decide). */
  // Linear work here takes milliseconds and quadratic work several seconds: a limit of 2 s tells
  // them apart even on a loaded machine, where 500 ms did not always hold.
  const LINEAR_LIMIT_MS = 2000;

  function timed(body: () => void): number {
    let best = Infinity;
    for (let i = 0; i < 3; i += 1) {
      const start = process.hrtime.bigint();
      body();
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    }
    return best;
  }

  it.each([
    ['100k literal braces', '{{'.repeat(50_000)],
    ['100k closing braces', '}}'.repeat(50_000)],
    ['20k placeholders', '{id}:'.repeat(20_000)],
    ['100k characters of text', 'a'.repeat(100_000)],
  ])('compiles %s quickly', (_title, template) => {
    expect(timed(() => compileTemplate(template, signature, where))).toBeLessThan(LINEAR_LIMIT_MS);
  });

  it('renders 20k placeholders correctly', () => {
    const key = compileTemplate('{id}'.repeat(20_000), signature, where).render([7], undefined);
    expect(key).toBe('7'.repeat(20_000));
  });

  it.each([
    ['an unclosed brace after 100k characters', `${'a'.repeat(100_000)}{id`, 100_000],
    ['100k opening braces', `${'{'.repeat(100_001)}`, 100_000],
    ['a placeholder of 100k characters', `{${'a'.repeat(100_000)}`, 0],
    ['a bracket of 100k characters', `{id[${'a'.repeat(100_000)}}`, 0],
  ])('refuses %s quickly, with a short message', (_title, template, index) => {
    let caught: unknown;
    const ms = timed(() => {
      try {
        compileTemplate(template, signature, where);
      } catch (error) {
        caught = error;
      }
    });
    expect(ms).toBeLessThan(LINEAR_LIMIT_MS);
    expect(caught).toBeInstanceOf(CacheTemplateError);
    expect(caught).toMatchObject({ index, template });
    expect((caught as Error).message.length).toBeLessThan(700);
  });

  it('compiles 800k characters mixing braces and placeholders without quadratic blow-up', () => {
    // A quadratic parser would need minutes here; a linear one needs milliseconds.
    const template = '{{}}{id}'.repeat(100_000);
    expect(timed(() => compileTemplate(template, signature, where))).toBeLessThan(3000);
  });
});

describe('compileTemplate: assertArgsGiven (invalidation helpers)', () => {
  const getUser = (id: number, tenant: string, verbose = false) => `${id}${tenant}${verbose}`;
  const signature = readSignature(getUser);

  it('names the first parameter the key needs that was not passed', () => {
    const compiled = compileTemplate('user:{tenant}:{id}', signature, where);
    expect(() => compiled.assertArgsGiven([])).toThrow(
      expect.objectContaining({ code: 'E_CACHE_KEY', parameter: 'id', message: expect.stringContaining('needs parameter "id" (position 0)') }),
    );
    expect(() => compiled.assertArgsGiven([1])).toThrow(expect.objectContaining({ parameter: 'tenant' }));
    expect(() => compiled.assertArgsGiven([1, 'acme'])).not.toThrow();
  });

  it('counts an explicit undefined as given', () => {
    const compiled = compileTemplate('user:{id}', signature, where);
    expect(() => compiled.assertArgsGiven([undefined])).not.toThrow();
  });

  it('does not need parameters with a literal default, nor ones the key does not use', () => {
    expect(() => compileTemplate('user:{id}:{verbose}', signature, where).assertArgsGiven([1])).not.toThrow();
    expect(() => compileTemplate('user:{tenant}', signature, where).assertArgsGiven([])).toThrow(
      expect.objectContaining({ parameter: 'tenant' }),
    );
    expect(() => compileTemplate('users:{this.id}', signature, where).assertArgsGiven([])).not.toThrow();
  });

  it('works for positions and destructured properties', () => {
    expect(() => compileTemplate('{1}', signature, where).assertArgsGiven([1])).toThrow(expect.objectContaining({ parameter: 'tenant' }));
    const search = ({ query, page = 1 }: { query: string; page?: number }) => `${query}${page}`;
    expect(() => compileTemplate('{page}', readSignature(search), where).assertArgsGiven([])).not.toThrow();
    expect(() => compileTemplate('{query}', readSignature(search), where).assertArgsGiven([])).toThrow(
      expect.objectContaining({ parameter: 'query' }),
    );
  });

  it('never needs rest arguments', () => {
    const variadic = (first: string, ...others: string[]) => first + others.join();
    expect(() => compileTemplate('{others}:{3}', readSignature(variadic), where).assertArgsGiven([])).not.toThrow();
  });
});

describe('compileNameList', () => {
  const getUser = (id: number, tenant: string) => `${id}${tenant}`;
  const signature = readSignature(getUser);

  it('behaves as the template of the names joined by the delimiter', () => {
    const list = compileNameList(['tenant', 'id'], signature, where);
    const template = compileTemplate('{tenant}:{id}', signature, where);
    for (const args of [[1, 'acme'], ['1:2', '%'], [{ a: 1 }, undefined]]) {
      expect(list.render(args, undefined)).toBe(template.render(args, undefined));
    }
    expect(list.render(['1:2', 'x'], undefined)).toBe('x:1%3A2');
  });

  it('accepts paths and positions', () => {
    expect(compileNameList(['id.name', '1'], signature, where).render([{ name: 'n' }, 't'], undefined)).toBe('n:t');
  });

  it('refuses an empty list, an unknown name and a name with braces', () => {
    expect(() => compileNameList([], signature, where)).toThrow(/must be a non-empty list of parameter names/);
    expect(() => compileNameList(['id', 'usr'], signature, where)).toThrow(
      expect.objectContaining({ code: 'E_CACHE_TEMPLATE', message: expect.stringContaining('unknown placeholder "{usr}"') }),
    );
    expect(() => compileNameList(['{id}'], signature, where)).toThrow(/entry 0 \("\{id\}"\) is not a parameter name/);
    expect(() => compileNameList([3 as unknown as string], signature, where)).toThrow(CacheConfigError);
  });
});

describe('templates and createCacheKey agree', () => {
  const fn = (a: unknown, b: unknown) => [a, b];
  const compiled = compileTemplate('u:{a}:{b}', readSignature(fn), where);
  it.each([
    [1, 2],
    ['1:2', '3'],
    ['1', '2:3'],
    ['50%', null],
    [{ z: 1, a: [true] }, new Date(0)],
    [12n, undefined],
  ])('u:{a}:{b} with (%p, %p)', (a, b) => {
    expect(compiled.render([a, b], undefined)).toBe(createCacheKey('u', a, b));
  });
});

describe('paths through class getters', () => {
  it('reads a getter a class defines, but no inherited method or Object.prototype member', () => {
    class Account {
      constructor(private readonly raw: { id: number }) {}
      get id(): number {
        return this.raw.id;
      }
      describe(): string {
        return 'account';
      }
    }
    const signature = readSignature(function (this: Account) {});
    const where = { label: 'cached(t)', option: 'cacheKey' };
    expect(compileTemplate('a:{this.id}', signature, where).render([], new Account({ id: 7 }))).toBe('a:7');
    expect(compileTemplate('a:{this.describe}', signature, where).render([], new Account({ id: 7 }))).toBe('a:undefined');
    expect(compileTemplate('a:{this.hasOwnProperty}', signature, where).render([], new Account({ id: 7 }))).toBe('a:undefined');
    expect(compileTemplate('u:{this.href}', signature, where).render([], new URL('https://example.org/a'))).toBe('u:https%3A//example.org/a');
  });
});

describe('values that throw while a key is built', () => {
  it('turns a throwing class getter on a path into a CacheKeyError naming the parameter, with the cause', () => {
    class Account {
      get id(): number {
        throw new Error('not loaded');
      }
    }
    const compiled = compileTemplate('a:{account.id}', readSignature((account: Account) => account), { label: 'cached(t)', option: 'cacheKey' });
    let thrown: unknown;
    try {
      compiled.render([new Account()], undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CacheKeyError);
    expect(thrown).toMatchObject({ parameter: 'account', cause: new Error('not loaded') });
    expect((thrown as Error).message).toMatch(/reading account\.id failed \(not loaded\)/);
  });
});
