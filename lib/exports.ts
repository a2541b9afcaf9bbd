import { cached } from './cached';
import { CacheConfigError } from './errors';
import type { CachedFunction, CachedOptions, ValueOf } from './types';

/** For each function export of `M`, the options of `cached()` typed after that function. */
export type CacheExportsPlan<M> = {
  readonly [K in keyof M]?: M[K] extends (this: infer T, ...args: infer A) => infer R ? CachedOptions<A, R, T> : never;
};

/** `M` with the exports named in `P` replaced by their cached forms. */
export type CachedExports<M, P> = {
  readonly [K in keyof M]: K extends keyof P ? (M[K] extends (this: infer T, ...args: infer A) => infer R ? CachedFunction<A, ValueOf<R, SchemaOf<P[K]>>, T> : M[K]) : M[K];
};

/** The `schema` of one export's options, when it has one (its cached form then resolves to the schema's output). */
type SchemaOf<O> = O extends { readonly schema?: infer S } ? S : undefined;

/**
 * An object with the same members as `moduleObject`, the functions named in `plan` cached (named
 * by their export name in automatic keys) and the rest passed through.
 * @example
 * import * as books from './books';
 * export const cachedBooks = cacheExports(books, { findBook: { cacheKey: 'book:{id}', tags: ['book:{id}'] } });
 */
export function cacheExports<M extends object, P extends CacheExportsPlan<M>>(moduleObject: M, plan: P): CachedExports<M, P> {
  const result: Record<string, unknown> = { ...(moduleObject as Record<string, unknown>) };
  for (const name of Object.keys(plan)) {
    const member = (moduleObject as Record<string, unknown>)[name];
    if (typeof member !== 'function') {
      throw new CacheConfigError(`cacheExports(): export "${name}" is not a function; received ${typeof member}`, { option: name, received: member });
    }
    const options = (plan as Record<string, CachedOptions | undefined>)[name];
    result[name] = cached(member as (...args: unknown[]) => unknown, { name, ...options });
  }
  return result as CachedExports<M, P>;
}
