import { CacheKeyError } from '../errors';

/** A key, tag or prefix compiled once at wrap time; a call only runs its closures. */
export interface CompiledKey {
  /**
   * The rendered text for a call. Throws `CacheKeyError` (naming the parameter) for a function or
   * symbol anywhere in a value it needs. Never throws for a missing argument: it renders
   * `undefined`, or the literal default.
   */
  render(args: readonly unknown[], scope: unknown): string;
  /**
   * For invalidation helpers: throws `CacheKeyError` naming the first parameter (by position) the
   * key needs that has no literal default and whose position is `>= args.length`. An explicit
   * `undefined` argument counts as given.
   */
  assertArgsGiven(args: readonly unknown[]): void;
}

/** Where a template comes from, for messages: `{ label: 'cached(getUser)', option: 'cacheKey' }`. */
export interface KeySource {
  readonly label: string;
  readonly option: string;
}

/** The text of one placeholder (or one automatic-key argument) for a call. */
export type KeyPiece = (args: readonly unknown[], scope: unknown) => string;

/** A parameter that a key reads and that has no literal default. */
export interface RequiredArgument {
  readonly index: number;
  readonly name: string;
}

/**
 * The `assertArgsGiven` of a key that reads `required` (any order, duplicates allowed); `owner`
 * starts the message, e.g. `cached(getUser) option "cacheKey"`.
 */
export function makeArgsCheck(required: readonly RequiredArgument[], owner: string): (args: readonly unknown[]) => void {
  const sorted = [...required].sort((a, b) => a.index - b.index);
  const last = sorted[sorted.length - 1];
  if (last === undefined) return () => undefined;
  return (args) => {
    if (args.length > last.index) return;
    const missing = sorted.find((argument) => argument.index >= args.length) as RequiredArgument;
    throw new CacheKeyError(
      `${owner} needs parameter "${missing.name}" (position ${missing.index}), which has no literal default, ` +
        `but only ${args.length} argument${args.length === 1 ? ' was' : 's were'} given; pass it (an explicit undefined counts) ` +
        'so that the entry of the call you mean is the one invalidated',
      { parameter: missing.name },
    );
  };
}

/**
 * A `render` joining `texts` (one more than `pieces`) and the pieces' outputs, with the common
 * sizes unrolled so a call is a few concatenations and allocates no array. A `CacheKeyError`
 * from a piece is rethrown with `owner` in front of its message.
 */
export function assembleRender(texts: readonly string[], pieces: readonly KeyPiece[], owner: string): KeyPiece {
  const [t0 = '', t1 = '', t2 = '', t3 = ''] = texts;
  const [p0, p1, p2] = pieces;
  let render: KeyPiece;
  if (p0 === undefined) return () => t0;
  if (p1 === undefined) render = (args, scope) => t0 + p0(args, scope) + t1;
  else if (p2 === undefined) render = (args, scope) => t0 + p0(args, scope) + t1 + p1(args, scope) + t2;
  else if (pieces.length === 3) render = (args, scope) => t0 + p0(args, scope) + t1 + p1(args, scope) + t2 + p2(args, scope) + t3;
  else {
    render = (args, scope) => {
      let key = t0;
      for (let i = 0; i < pieces.length; i += 1) key += (pieces[i] as KeyPiece)(args, scope) + texts[i + 1];
      return key;
    };
  }
  return (args, scope) => {
    try {
      return render(args, scope);
    } catch (error) {
      throw withOwner(error, owner);
    }
  };
}

/** `error` with `owner` in front of its message when it is a `CacheKeyError`; other errors unchanged. */
export function withOwner(error: unknown, owner: string): unknown {
  if (!(error instanceof CacheKeyError)) return error;
  return new CacheKeyError(`${owner}: ${error.message}`, { parameter: error.parameter, cause: error.cause });
}
