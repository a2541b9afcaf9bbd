import { CacheConfigError } from '../../lib';

/**
 * `attempt` throws a `CacheConfigError` whose `option` is `option` and whose message quotes it;
 * with `expected`, also its `received` value and its whole sentence about what is allowed.
 */
export function expectOptionRefused(attempt: () => unknown, option: string, expected?: { received: unknown; message: string }): void {
  expect(attempt).toThrow(CacheConfigError);
  if (expected !== undefined) expect(attempt).toThrow(expected.message);
  try {
    attempt();
  } catch (error) {
    expect((error as CacheConfigError).option).toBe(option);
    expect((error as Error).message).toContain(`"${option}"`);
    if (expected !== undefined) expect((error as CacheConfigError).received).toBe(expected.received);
  }
}
