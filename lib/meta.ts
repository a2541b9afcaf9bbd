import type { Meta, MetaFunction } from './types';

const META_ACCEPTED = Symbol.for('easy-cache.metaAccepted');

/**
 * Marks a key, tag, prefix or timeout function as taking one `Meta` object instead of the call's
 * arguments. A function whose only parameter is named `meta` is taken as marked.
 * @example cached(listBooks, { tags: metaAccepted((meta) => meta.returnedValue.map((b) => `book:${b.id}`)) })
 */
export function metaAccepted<A extends unknown[], R, T, O>(fn: (meta: Meta<A, R, T>) => O): MetaFunction<A, R, T, O> {
  Object.defineProperty(fn, META_ACCEPTED, { value: true });
  return fn as MetaFunction<A, R, T, O>;
}

/** Whether `fn` was marked with `metaAccepted`. */
export function isMarkedMetaAccepted(fn: object): boolean {
  return (fn as { [META_ACCEPTED]?: boolean })[META_ACCEPTED] === true;
}
