import { strict as assert } from 'node:assert';

/**
 * Asserts that `actual` is `expected` down to classes (a `Buffer` is not a `Uint8Array`, a plain
 * object is not a class instance), `-0`, members that hold `undefined` and invalid Dates: what a
 * value must keep through a backend. `what` names the value when the diff cannot (invalid Dates).
 */
export function assertSame(actual: unknown, expected: unknown, what: string): void {
  if (expected instanceof Date && Number.isNaN(expected.getTime())) {
    // Deep equality compares Dates by time, and NaN is not equal to itself.
    assert.ok(actual instanceof Date && Number.isNaN(actual.getTime()), `${what}: expected an invalid Date, got ${String(actual)}`);
    return;
  }
  // Strict deep equality compares prototypes (at every level), own keys and primitives with
  // Object.is; without a message of ours, the failure shows the diff.
  assert.deepStrictEqual(actual, expected);
}
