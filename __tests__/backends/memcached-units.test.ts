import type Memcached from 'memcached';
import { MemcachedCache, toExptime, toSafeKey } from '../../lib/backends/memcached';
import { repairValueLines } from '../../lib/backends/memcached/repair-value-lines';
import { serverOfKey } from '../../lib/backends/memcached/server-of-key';
import { CacheConfigError } from '../../lib/errors';

const SENDABLE = /^[\x21-\x23\x25-\x7e]{1,250}$/;

describe('toSafeKey', () => {
  it.each(['user:42', 'a-b_c.d', 'x'.repeat(250), '~!@%^&*()[]{}<>?/|\\"\''])('sends %p unchanged', (key) => {
    expect(toSafeKey(key)).toBe(key);
  });

  it.each([
    ['whitespace', 'a b'],
    ['a tab', 'a\tb'],
    ['CR LF', '1\r\nflush_all'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['non-ASCII', 'zażółć'],
    ['a lone surrogate', 'a\uD800'],
    ['over 250 bytes', 'x'.repeat(251)],
    ['"$"', "a$'b"],
    ['"__proto__"', '__proto__'],
    ['the hash marker first', '#abc'],
    ['nothing', ''],
  ])('hashes a key with %s into printable ASCII of at most 250 bytes', (_label, key) => {
    const safe = toSafeKey(key);
    expect(safe).toMatch(SENDABLE);
    expect(safe.startsWith('#')).toBe(true);
    expect(toSafeKey(key)).toBe(safe);
  });

  it('keeps a readable head of a hashed key', () => {
    expect(toSafeKey('user name:42')).toMatch(/^#user_name:42#[A-Za-z0-9_-]{43}$/);
  });

  it('keeps keys apart that only differ where they are made safe', () => {
    const keys = [
      'a b', 'a_b', 'a\tb', 'a\nb', 'a\uD800', 'a\uFFFD', 'a\uDC00', '#a b', `${'x'.repeat(250)}1`, `${'x'.repeat(250)}2`,
      'é'.repeat(150), `${'é'.repeat(149)}e`, '$&', '$$', '', ' ', '__proto__', '#__proto__',
    ];
    const safe = keys.map(toSafeKey);
    expect(new Set(safe).size).toBe(keys.length);
    // No hashed key can equal a key that was sent as it is.
    expect(safe.filter((s, i) => s === keys[i]).every((s) => !s.startsWith('#'))).toBe(true);
  });

  it('counts bytes, not characters: 100 three-byte characters are hashed', () => {
    expect(toSafeKey('日'.repeat(100))).toMatch(/^#_{100}#/);
  });
});

describe('toExptime', () => {
  const now = 1_700_000_000_000;

  it.each<[number | null, number]>([
    [null, 0],
    [1, 1],
    [0.2, 1],
    [30.5, 31],
    [2_592_000, 2_592_000],
  ])('sends %p seconds as %p', (timeout, expected) => {
    expect(toExptime(timeout, now)).toBe(expected);
  });

  it('sends more than 30 days as an absolute Unix time', () => {
    expect(toExptime(2_592_001, now)).toBe(1_700_000_000 + 2_592_001);
    expect(toExptime(31 * 86_400 - 0.5, now)).toBe(1_700_000_000 + 31 * 86_400);
  });

  it('caps absolute times at the largest memcached accepts (2038)', () => {
    expect(toExptime(200 * 365 * 86_400, now)).toBe(2_147_483_647);
  });
});

describe('repairValueLines', () => {
  it('leaves well-formed answers alone', () => {
    const lines = ['VALUE a 0 3', 'abc', 'VALUE b 2 7', '{"x":1}', 'END', 'STORED'];
    expect(repairValueLines(lines)).toBe(true);
    expect(lines).toEqual(['VALUE a 0 3', 'abc', 'VALUE b 2 7', '{"x":1}', 'END', 'STORED']);
  });

  it('rewrites the flag of a flag-2 value that is not JSON to 0', () => {
    const lines = ['VALUE a 2 5', '{oops', 'VALUE b 2 0', '', 'END'];
    expect(repairValueLines(lines)).toBe(true);
    expect(lines).toEqual(['VALUE a 0 5', '{oops', 'VALUE b 0 0', '', 'END']);
  });

  it('joins the lines of a value that holds CRLF, counting bytes', () => {
    const value = 'é\r\r\nEND\r\nxx';
    const lines = [`VALUE a 0 ${Buffer.byteLength(value)}`, ...value.split('\r\n'), 'END'];
    expect(repairValueLines(lines)).toBe(true);
    expect(lines).toEqual([`VALUE a 0 ${Buffer.byteLength(value)}`, value, 'END']);
  });

  it('asks to wait while a value is incomplete', () => {
    expect(repairValueLines(['VALUE a 0 10', 'abc'])).toBe(false);
    expect(repairValueLines(['STORED', 'VALUE a 0 3'])).toBe(false);
    expect(repairValueLines(['VALUE a 0 3', 'abc'])).toBe(false);
  });
});

describe('new MemcachedCache(servers, options): bad arguments', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['an unknown option', { timout: 1 }, 'timout', /"timout" is not an option of MemcachedCache; known options are prefix/],
    ['an empty prefix', { prefix: '' }, 'prefix', /option "prefix" must be a non-empty string; received ""/],
    ['a prefix that is a number', { prefix: 1 }, 'prefix', /option "prefix" must be a non-empty string; received 1/],
    ['a serializer without decode', { serializer: { encode: String } }, 'serializer', /option "serializer" must be an object with encode/],
    ['a zero defaultTimeout', { defaultTimeout: 0 }, 'defaultTimeout', /option "defaultTimeout" must be a positive finite number of seconds or null; received 0/],
    ['an infinite defaultTimeout', { defaultTimeout: Infinity }, 'defaultTimeout', /"defaultTimeout"/],
    ['a negative backendTimeoutMs', { backendTimeoutMs: -1 }, 'backendTimeoutMs', /option "backendTimeoutMs" must be a positive finite number of milliseconds; received -1/],
    ['options that are not an object', 'fast', 'options', /options must be an object; received "fast"/],
  ])('%s is a CacheConfigError naming the option', (_label, options, option, message) => {
    const attempt = (): unknown => new MemcachedCache('127.0.0.1:11211', options as never);
    expect(attempt).toThrow(CacheConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as CacheConfigError).option).toBe(option);
    }
  });

  it.each<[string, unknown, RegExp]>([
    ['an empty list', [], /servers is an empty list/],
    ['an address with a space', '127.0.0.1 :11211', /not a "host:port" string/],
    ['a number', 11211, /not a "host:port" string; .*received 11211/],
    ['a list with a duplicate', ['a:1', 'a:1'], /names a server twice/],
    ['an object that is not a client', { get: () => 1 }, /expected a memcached client/],
  ])('servers as %s is a CacheConfigError naming "servers"', (_label, servers, message) => {
    const attempt = (): unknown => new MemcachedCache(servers as never);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(CacheConfigError);
      expect((error as CacheConfigError).option).toBe('servers');
    }
  });

  it('accepts null as defaultTimeout and applies the defaults', () => {
    const cache = new MemcachedCache(['127.0.0.1:1', '127.0.0.1:2'], { defaultTimeout: null });
    expect(cache.backendTimeoutMs).toBe(250);
  });
});

describe('serverOfKey', () => {
  // The client's own internals, as memcached 2.2 has them (not in its published types).
  const client = (internals: object): Memcached => internals as unknown as Memcached;

  it('names the server the client hashes the key to, its namespace included', () => {
    const asked: string[] = [];
    const ring = { get: (key: string) => (asked.push(key), key.endsWith('a') ? 'one:11211' : 'two:11211') };
    const serverOf = serverOfKey(client({ servers: ['one:11211', 'two:11211'], HashRing: ring, namespace: 'ns:' }));
    expect([serverOf('key-a'), serverOf('key-b')]).toEqual(['one:11211', 'two:11211']);
    expect(asked).toEqual(['ns:key-a', 'ns:key-b']);
  });

  it.each([
    ['one server', { servers: ['one:11211'], HashRing: { get: () => 'one:11211' } }],
    ['a client without a hash ring (another version)', { servers: ['one:11211', 'two:11211'] }],
    ['a client without a server list', {}],
  ])('gives every key one answer for %s: its gets are batched together and the client splits them', (_label, internals) => {
    const serverOf = serverOfKey(client(internals));
    expect(new Set(['a', 'b', 'c'].map(serverOf))).toEqual(new Set(['']));
  });
});
