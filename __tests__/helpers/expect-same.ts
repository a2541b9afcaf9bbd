/**
 * Checks that `actual` is `expected` down to classes (Buffer vs Uint8Array), -0, undefined
 * members and invalid Dates: what a value must keep through encoding and through a backend.
 */
export function expectSame(actual: unknown, expected: unknown): void {
  if (expected instanceof Date && Number.isNaN(expected.getTime())) {
    // toStrictEqual compares Dates by time, and NaN is not equal to itself.
    expect(actual).toBeInstanceOf(Date);
    expect((actual as Date).getTime()).toBeNaN();
    return;
  }
  expect(actual).toStrictEqual(expected);
  if (expected !== null && typeof expected === 'object') {
    expect(Object.getPrototypeOf(actual)).toBe(Object.getPrototypeOf(expected));
  }
}
