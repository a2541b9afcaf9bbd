import type { z } from 'zod';
import { CacheConfigError } from '../errors';
import { describeValue } from './describe-value';

/** The options a function or constructor knows, and what each allows, for its error messages. */
export interface KnownOptions {
  /** Named in "is not an option of …": `cached()`, `MemoryCache`. */
  readonly owner: string;
  /** Each option's name and what it allows (`"a positive integer"`), in the order they are listed. */
  readonly allowed: Readonly<Record<string, string>>;
}

/**
 * The first zod issue of an options object as a `CacheConfigError` with `option` and `received`,
 * in the one message shape of every options check:
 * - `<where>: option "<name>" must be <allowed>; received <value>`
 * - `<where>: option "<name>" is not an option of <owner>; known options are <names>`
 * - `<where>: options must be an object; received <value>`
 * @example optionError('new MemoryCache(options)', issue, { maxEntries: 0 }, MEMORY_OPTIONS)
 */
export function optionError(where: string, issue: z.core.$ZodIssue | undefined, options: unknown, known: KnownOptions): CacheConfigError {
  if (typeof options !== 'object' || options === null || Array.isArray(options) || issue === undefined) {
    return notAnObject(where, options);
  }
  const record = options as Record<string, unknown>;
  const unknownKey = issue.code === 'unrecognized_keys';
  const option = unknownKey ? (issue.keys[0] ?? '?') : String(issue.path[0] ?? '?');
  const received = record[option];
  const details = { option, received };
  if (unknownKey) {
    const names = Object.keys(known.allowed).join(', ');
    return new CacheConfigError(`${where}: option "${option}" is not an option of ${known.owner}; known options are ${names}`, details);
  }
  const allowed = known.allowed[option] ?? issue.message;
  return new CacheConfigError(`${where}: option "${option}" must be ${allowed}; received ${describeValue(received)}`, details);
}

/** The error for options that are not an object at all (a string, a list, `null`). */
export function notAnObject(where: string, options: unknown): CacheConfigError {
  return new CacheConfigError(`${where}: options must be an object; received ${describeValue(options)}`, { option: 'options', received: options });
}
