/**
 * The `decodeMemo` option of the remote backends: on by default, `false` or bounds accepted, and a
 * bad value is a `CacheConfigError` naming the option and what it allows.
 */
import { MemoryCache } from '../../lib';
import { expectOptionRefused } from '../helpers/expect-option-refused';
import { remoteOptionBuilders } from '../helpers/option-builders';
import { resolveDecodeMemo } from '../../lib/backends/shared/decode-memo-option';
import { resolveRedisCacheOptions } from '../../lib/backends/redis/redis-options';
import { resolveMemcachedOptions } from '../../lib/backends/memcached/memcached-options';

const { builders: BUILDERS, disconnect } = remoteOptionBuilders();
afterAll(disconnect);

it('is on by default with 1000 keys and 1,000,000 characters; bounds given replace the defaults one by one', () => {
  expect(resolveDecodeMemo(undefined)).toEqual({ maxEntries: 1000, maxChars: 1_000_000 });
  expect(resolveDecodeMemo({ maxEntries: 5 })).toEqual({ maxEntries: 5, maxChars: 1_000_000 });
  expect(resolveDecodeMemo({ maxChars: 64 })).toEqual({ maxEntries: 1000, maxChars: 64 });
  expect(resolveDecodeMemo(false)).toBe(false);
});

it('is off under a near cache, which holds decoded values already', () => {
  expect(resolveRedisCacheOptions({}).decodeMemo).toEqual({ maxEntries: 1000, maxChars: 1_000_000 });
  expect(resolveRedisCacheOptions({ nearCache: {}, decodeMemo: { maxEntries: 5 } }).decodeMemo).toBe(false);
  expect(resolveMemcachedOptions({}).decodeMemo).toEqual({ maxEntries: 1000, maxChars: 1_000_000 });
  expect(resolveMemcachedOptions({ nearCache: { ttlMs: 500 } }).decodeMemo).toBe(false);
});

describe.each(BUILDERS)('%s decodeMemo option', (_name, build) => {
  it.each<[string, unknown]>([
    ['false', false],
    ['bounds', { maxEntries: 10_000, maxChars: 8_000_000 }],
    ['one bound', { maxChars: 16 }],
    ['an empty object (the defaults)', {}],
  ])('takes %s', (_label, decodeMemo) => {
    expect(() => build({ decodeMemo })).not.toThrow();
  });

  it.each<[string, unknown]>([
    ['true', true],
    ['zero entries', { maxEntries: 0 }],
    ['fractional entries', { maxEntries: 2.5 }],
    ['fewer than 16 characters', { maxChars: 15 }],
    ['an infinite bound', { maxChars: Infinity }],
    ['a bound in words', { maxEntries: 'many' }],
    ['a misspelt bound', { maxEntry: 3 }],
    ['a name every object inherits', { toString: 3 }],
    ['a number', 1000],
  ])('refuses %s with a CacheConfigError naming "decodeMemo"', (_label, decodeMemo) => {
    expectOptionRefused(() => build({ decodeMemo }), 'decodeMemo', { received: decodeMemo, message: 'option "decodeMemo" must be false or { maxEntries?: an integer >= 1, maxChars?: an integer >= 16 }' });
  });
});

it('MemoryCache has no decodeMemo option (it keeps values, not text)', () => {
  expect(() => new MemoryCache({ decodeMemo: false } as never)).toThrow(/"decodeMemo" is not an option of MemoryCache/);
});
