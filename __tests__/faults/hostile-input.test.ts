/**
 * Hostile keys and arguments, poisoned entries and TTL edge values: one table, run on memory,
 * Redis and Memcached, each row with one documented outcome that every backend must give
 * (docs/fault-matrix.md lists them).
 */
import {
  BackendError,
  CacheConfigError,
  CacheKeyError,
  NOT_FOUND,
  SerializationError,
  cached,
  taggedJson,
  type EasyCacheError,
} from '../../lib';
import { ENTRY_MARK, makeEntry } from '../../lib/tags/entry';
import { describeOnBackends } from '../helpers/backends-under-test';
import { eventually, FAULT_BACKEND_SETTINGS, FAULT_BACKENDS } from './fault-kit';

/** Strings that have broken caches: protocol injection, delimiters, escapes, surrogates, size. */
const HOSTILE_STRINGS: [string, string][] = [
  ['CRLF and a memcached command', 'a\r\nset injected 0 0 1\r\nz'],
  ['a NUL and other control characters', 'a\u0000b\u0007c\u001b[31m'],
  ['spaces and tabs', ' a b\tc '],
  ['the key delimiter', 'a:b'],
  ['an escaped delimiter written literally', 'a%3Ab'],
  ['a lone high surrogate', 'x\uD800'],
  ['U+FFFD (what a client writes for a lone surrogate)', 'x\uFFFD'],
  ['a lone low surrogate', '\uDC00x'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['a Redis glob', 'user:*?[a]'],
  ['a 10,000 character string', 'k'.repeat(10_000)],
  ['an emoji', 'caf\u00e9 \u{1F600}'],
];

describeOnBackends('hostile input on %s', FAULT_BACKENDS, FAULT_BACKEND_SETTINGS, (under) => {
  let made = 0;
  /** A cached echo with a key template over two parameters (its own key space each time); counts runs, collects reports. */
  const echo = () => {
    made += 1;
    const state = { runs: 0, reported: [] as EasyCacheError[] };
    const get = cached(
      async (a: unknown, b: unknown = 'd') => {
        state.runs += 1;
        return { a, b, run: state.runs };
      },
      { cacheKey: `echo${made}:{a}:{b}`, tags: [`echo${made}:{a}`], cacheInstance: under().backend, onError: (error) => state.reported.push(error) },
    );
    return { get, state };
  };

  it('gives every hostile string its own entry: a miss, then hits, never another string\'s value', async () => {
    const { get, state } = echo();
    for (const [, text] of HOSTILE_STRINGS) expect((await get(text)).a).toBe(text);
    const runs = state.runs;
    expect(runs).toBe(HOSTILE_STRINGS.length);
    for (const [label, text] of HOSTILE_STRINGS) {
      const value = await get(text);
      expect({ label, a: value.a }).toEqual({ label, a: text });
    }
    expect(state.runs).toBe(runs);
    expect(state.reported).toEqual([]);
  });

  it('keeps delimiters inside values apart: ("1:2", "3") and ("1", "2:3") are two entries', async () => {
    const { get, state } = echo();
    expect(await get('1:2', '3')).toMatchObject({ a: '1:2', b: '3' });
    expect(await get('1', '2:3')).toMatchObject({ a: '1', b: '2:3' });
    expect(state.runs).toBe(2);
  });

  it('invalidates a hostile key and a hostile tag exactly (nothing else)', async () => {
    const { get, state } = echo();
    await get('x\uD800');
    await get('x\uFFFD');
    await get.invalidateCacheByKey('x\uD800');
    await get('x\uFFFD');
    expect(state.runs).toBe(2);
    await get('x\uD800');
    expect(state.runs).toBe(3);
    await get.invalidateCacheByTags(undefined, 'a\r\nset injected 0 0 1\r\nz');
    await get('x\uD800');
    expect(state.runs).toBe(3);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['an object whose own toString throws', () => ({ toString: () => { throw new Error('boom'); } }), /parameter "a".*is a function/],
    ['a symbol', () => Symbol('s'), /parameter "a"/],
    ['an object nested 200 levels deep', () => JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown, /nested deeper than 100 levels/],
    ['a cycle', () => { const o: Record<string, unknown> = {}; o.self = o; return o; }, /a cycle/],
  ])('rejects %s in a key with CacheKeyError naming the parameter, and runs nothing', async (_label, make, message) => {
    const { get, state } = echo();
    const error = await get(make()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CacheKeyError);
    expect((error as Error).message).toMatch(message);
    expect(state.runs).toBe(0);
  });

  it('rejects an argument whose getter throws with CacheKeyError naming the parameter', async () => {
    const { get } = echo();
    const error = await get({ get x() { throw new Error('getter boom'); } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CacheKeyError);
    expect((error as Error).message).toMatch(/parameter "a"/);
  });

  it('rejects a Proxy whose ownKeys trap throws with CacheKeyError naming the parameter', async () => {
    const { get } = echo();
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('proxy boom'); } });
    const error = await get(hostile).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CacheKeyError);
  });

  it('renders a class instance whose prototype toString throws as its own properties, and caches it', async () => {
    class Hostile {
      readonly id = 7;
      toString(): string {
        throw new Error('boom');
      }
    }
    const { get, state } = echo();
    await get(new Hostile());
    await get(new Hostile());
    expect(state.runs).toBe(1);
    expect(get.getCacheKey(new Hostile())).toBe(`echo${made}:{"id"%3A7}:d`);
  });

  it('keeps an argument with an own "__proto__" member apart from one without, and pollutes nothing', async () => {
    const { get, state } = echo();
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "b": 1}') as object;
    const value = await get(withProto);
    await get({ b: 1 });
    expect(state.runs).toBe(2);
    const again = await get(withProto);
    expect(state.runs).toBe(2);
    expect(Object.getPrototypeOf(again.a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(value.a).toEqual(withProto);
  });

  describe('poisoned entries written by another client', () => {
    /** Writes `text` where `get(1)` reads, then calls `get(1)` once. */
    const poisoned = async (text: string) => {
      const { get, state } = echo();
      await under().writeRaw(get.getCacheKey(1), text);
      const value = await get(1);
      return { value, state };
    };

    /** Stored text for `data`, as the default serializer writes it. */
    const text = (data: unknown) => taggedJson.encode(data);
    const value = { a: 1, b: 'd', run: 99 };
    it.each<[string, string]>([
      ['garbage', 'garbage \u0000\r\nEND\r\n'],
      ['an empty string', ''],
      ['an entry without the serializer mark', JSON.stringify(makeEntry(value, undefined))],
      ['a wrong entry mark', text({ ...makeEntry(value, undefined), m: 'easy-cache:0' })],
      ['a bare value (not an entry)', text(value)],
      ['an entry with a bad tag record', text({ ...makeEntry(value, undefined), t: ['tag:x'] })],
      ['truncated text', text(makeEntry(value, undefined)).slice(0, -3)],
      ['a bad tagged value', `${text(new Map()).slice(0, 5)}{"$ec":"nope"}`],
    ])('treats %s as a miss: the function runs, the caller gets its value', async (_label, text) => {
      const { value, state } = await poisoned(text);
      expect(value).toEqual({ a: 1, b: 'd', run: 1 });
      expect(state.runs).toBe(1);
      expect(state.reported.length).toBeGreaterThan(0);
      expect(state.reported.every((error) => error instanceof SerializationError)).toBe(true);
    });

    it('reads "__proto__" in a stored entry as an own member, never as a prototype', async () => {
      const stored = taggedJson.encode({ m: ENTRY_MARK, v: JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') });
      expect(stored).toContain('"__proto__"');
      const { value, state } = await poisoned(stored);
      // A well-formed entry: a hit, returned as stored, with "__proto__" as an own data property.
      expect(state.runs).toBe(0);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.hasOwn(value, '__proto__')).toBe(true);
      expect((value as unknown as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('treats an entry whose tag record carries "__proto__" as a miss (its tags never match)', async () => {
      const { get, state } = echo();
      await get(1);
      const stored = taggedJson.encode({ m: ENTRY_MARK, v: { a: 1, b: 'd', run: 99 }, t: JSON.parse('{"__proto__": "v"}') });
      expect(stored).toContain('"__proto__"');
      await under().writeRaw(get.getCacheKey(1), stored);
      const value = await get(1);
      expect(value.run).not.toBe(99);
      expect(({} as Record<string, unknown>).v).toBeUndefined();
      expect(state.runs).toBe(2);
    });
  });

  describe('TTL edge values', () => {
    const withTimeout = (timeout: unknown) => {
      const state = { runs: 0, reported: [] as EasyCacheError[] };
      const get = cached(async () => ++state.runs, {
        cacheKey: `ttl:${String(timeout)}:${Math.random()}`,
        timeout: timeout as never,
        cacheInstance: under().backend,
        onError: (error) => state.reported.push(error),
      });
      return { get, state };
    };

    it.each<[string, unknown]>([
      ['0', 0],
      ['a negative number', -5],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['a string', '60'],
    ])('refuses timeout %s as an option with CacheConfigError naming "timeout"', (_label, timeout) => {
      expect(() => withTimeout(timeout)).toThrow(CacheConfigError);
      expect(() => withTimeout(timeout)).toThrow(/"timeout"/);
    });

    it.each<[string, number]>([
      ['over 30 days (memcached absolute time)', 31 * 86_400],
      ['over 2^31 ms (24.9 days)', 2 ** 31 / 1000 + 1],
      ['over 2^31 seconds (capped where the store must)', 2 ** 31 + 1],
      ['a fraction over 1 s', 1.5],
    ])('stores with a timeout %s: the next call hits', async (_label, timeout) => {
      const { get, state } = withTimeout(timeout);
      expect(await get()).toBe(1);
      expect(await get()).toBe(1);
      expect(state.reported).toEqual([]);
    });

    it('expires a fractional timeout (0.3 s) within 2.5 s: stored, then a miss', async () => {
      const { get, state } = withTimeout(0.3);
      expect(await get()).toBe(1);
      expect(await get()).toBe(1);
      await eventually('the 0.3 s entry expires', async () => (await get()) === state.runs && state.runs > 1, 2500);
    });

    it.each<[string, unknown, 'none' | 'config']>([
      ['0', 0, 'none'],
      ['a negative number', -1, 'none'],
      ['NaN', NaN, 'config'],
      ['Infinity', Infinity, 'config'],
      ['a string', '5', 'config'],
    ])('stores nothing when a timeout function returns %s', async (_label, result, report) => {
      const state = { runs: 0, reported: [] as EasyCacheError[] };
      const get = cached(async () => ++state.runs, {
        cacheKey: `ttl-fn:${Math.random()}`,
        timeout: () => result as number,
        cacheInstance: under().backend,
        onError: (error) => state.reported.push(error),
      });
      expect(await get()).toBe(1);
      expect(await get()).toBe(2);
      if (report === 'none') expect(state.reported).toEqual([]);
      else expect(state.reported.map((error) => error.constructor)).toEqual([CacheConfigError, CacheConfigError]);
    });

    it.each<[string, number]>([
      ['0', 0],
      ['a negative number', -1],
    ])('backend.set with timeout %s stores nothing and deletes what was there', async (_label, timeout) => {
      const key = `raw-ttl:${Math.random()}`;
      await under().backend.set(key, 'v', null);
      await under().backend.set(key, 'w', timeout);
      expect(await under().backend.get(key)).toBe(NOT_FOUND);
    });

    it('backend.set with NaN rejects with CacheConfigError', async () => {
      await expect(under().backend.set(`raw-nan:${Math.random()}`, 'v', NaN)).rejects.toBeInstanceOf(CacheConfigError);
    });

    // MemoryCache stores with Infinity (never expires) where Redis and Memcached refuse it.
    it('backend.set with Infinity rejects with CacheConfigError', async () => {
      await expect(under().backend.set(`raw-inf:${Math.random()}`, 'v', Infinity)).rejects.toBeInstanceOf(CacheConfigError);
    });
  });

  it('never rejects a call with BackendError for any of the above (the guard holds)', async () => {
    const { get } = echo();
    const results = await Promise.allSettled(HOSTILE_STRINGS.map(([, text]) => get(text, text)));
    expect(results.filter((result) => result.status === 'rejected' && result.reason instanceof BackendError)).toEqual([]);
  });
});
