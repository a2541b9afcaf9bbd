import type { MetaFunction } from './types';

/** What a key, tag, prefix or timeout function marked with `metaAccepted` receives. */
export interface Meta<A extends unknown[] = unknown[], R = unknown, T = unknown> {
  /** The positional arguments as called. */
  readonly args: Readonly<A>;
  /** Parameter name to value, with literal defaults filled in. */
  readonly callArgs: Readonly<Record<string, unknown>>;
  /** The receiver of the call, or `undefined`. */
  readonly scope: T | undefined;
  /** The original, unwrapped function. */
  // Method syntax: checked bivariantly, so a meta function written for unknown[] fits any function.
  function(this: T, ...args: A): R;
  /** True only when a tag function runs after the call; then `returnedValue` is set. */
  readonly hasReturnedValue: boolean;
  /** The value the call returned (check `hasReturnedValue` first). */
  readonly returnedValue?: Awaited<R>;
}

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
