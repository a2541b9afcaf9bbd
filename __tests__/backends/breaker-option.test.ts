/**
 * The `breaker` option of the remote backends: on by default with 3 failures and 2,000 ms,
 * `false` turns it off, and a bad value is a `CacheConfigError` naming the option.
 */
import { MemoryCache } from '../../lib';
import { expectOptionRefused } from '../helpers/expect-option-refused';
import { remoteOptionBuilders } from '../helpers/option-builders';

const { builders: BUILDERS, disconnect } = remoteOptionBuilders();
afterAll(disconnect);

describe.each(BUILDERS)('%s breaker option', (_name, build) => {
  it('is on by default, with 3 failures and 2000 ms', () => {
    expect(build({}).breaker).toEqual({ failures: 3, openMs: 2000 });
  });

  it('takes settings over the defaults, or false for none', () => {
    expect(build({ breaker: { failures: 5 } }).breaker).toEqual({ failures: 5, openMs: 2000 });
    expect(build({ breaker: { openMs: 10_000 } }).breaker).toEqual({ failures: 3, openMs: 10_000 });
    expect(build({ breaker: false }).breaker).toBe(false);
  });

  it.each<[string, unknown]>([
    ['true', true],
    ['zero failures', { failures: 0 }],
    ['fractional failures', { failures: 2.5 }],
    ['a negative openMs', { openMs: -1 }],
    ['an infinite openMs', { openMs: Infinity }],
    ['openMs in words', { openMs: '2s' }],
    ['a misspelt setting', { failure: 3 }],
    ['a name every object inherits', { toString: 3 }],
    ['a list', [3, 2000]],
  ])('refuses %s with a CacheConfigError naming "breaker"', (_label, breaker) => {
    expectOptionRefused(() => build({ breaker }), 'breaker', { received: breaker, message: `option "breaker" must be false or { failures?: an integer >= 1, openMs?: a positive finite number of milliseconds }` });
  });
});

it('MemoryCache has no breaker option (it cannot hang)', () => {
  expect(() => new MemoryCache({ breaker: false } as never)).toThrow(/"breaker" is not an option of MemoryCache/);
});
