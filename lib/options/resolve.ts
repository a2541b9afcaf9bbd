import { CacheConfigError } from '../errors';
import { notAnObject, optionError } from '../shared/option-error';
import { CACHED_OPTIONS, cachedOptionsSchema } from './schema';

/**
 * Validates the options of `cached()` once, at wrap time; the first problem becomes a
 * `CacheConfigError` naming the option, what it got and what is allowed.
 */
export function validateOptions<T>(options: unknown, label: string): Readonly<T> {
  if (options === undefined) return Object.freeze({}) as Readonly<T>;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw notAnObject(label, options);
  const result = cachedOptionsSchema.safeParse(options);
  if (!result.success) throw optionError(label, result.error.issues[0], options, CACHED_OPTIONS);
  const record = options as Record<string, unknown>;
  if (record.cacheAlias !== undefined && record.cacheInstance !== undefined) {
    throw new CacheConfigError(`${label}: options "cacheAlias" and "cacheInstance" cannot be used together; give one backend`, {
      option: 'cacheAlias',
      received: record.cacheAlias,
    });
  }
  return Object.freeze({ ...record }) as Readonly<T>;
}
