/** Compile-time equality of two types: `expectType<Equal<A, B>>(true)` fails to compile unless A and B are the same. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Accepts only `true`, so that a false `Equal` is a compile error. */
export function expectType<T extends true>(value: T): T {
  return value;
}
