import type { z } from 'zod';
import { CacheConfigError } from '../errors';
import { describeValue } from '../shared/describe-value';
import { CACHED_OPTION_NAMES, cachedOptionsSchema } from './schema';

/**
 * Validates the options of `cached()` once, at wrap time; the first problem becomes a
 * `CacheConfigError` naming the option, what it got and what is allowed.
 */
export function validateOptions<T>(options: unknown, label: string): Readonly<T> {
  if (options === undefined) return Object.freeze({}) as Readonly<T>;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CacheConfigError(`${label}: options must be an object; received ${describeValue(options)}`, { received: options });
  }
  const result = cachedOptionsSchema.safeParse(options);
  if (!result.success) throw toConfigError(result.error.issues, options as Record<string, unknown>, label);
  const record = options as Record<string, unknown>;
  if (record.cacheAlias !== undefined && record.cacheInstance !== undefined) {
    throw new CacheConfigError(`${label}: options "cacheAlias" and "cacheInstance" cannot be used together; give one backend`, {
      option: 'cacheAlias',
      received: record.cacheAlias,
    });
  }
  return Object.freeze({ ...record }) as Readonly<T>;
}

function toConfigError(issues: readonly z.core.$ZodIssue[], options: Record<string, unknown>, label: string): CacheConfigError {
  const issue = issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const option = issue.keys[0] ?? '?';
    return new CacheConfigError(
      `${label}: option "${option}" is not an option of cached(); known options are ${CACHED_OPTION_NAMES.join(', ')}`,
      { option, received: options[option] },
    );
  }
  const option = String(issue?.path[0] ?? '?');
  const received = options[option];
  return new CacheConfigError(`${label}: option "${option}" must be ${issue?.message ?? 'valid'}; received ${describeValue(received)}`, {
    option,
    received,
  });
}
