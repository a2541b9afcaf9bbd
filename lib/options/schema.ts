import { z } from 'zod';
import { DEFAULT_TIMEOUT } from './defaults';

// Each option is checked by a predicate whose message says what is allowed; resolve.ts adds the
// function, the option name and what was received.
function allowed<T>(predicate: (value: unknown) => boolean, expectation: string) {
  return z.custom<T>(predicate, { message: expectation }).optional();
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const isString = (value: unknown): value is string => typeof value === 'string';
const isNonEmptyString = (value: unknown): boolean => isString(value) && value.length > 0;
const isStringList = (value: unknown): boolean => Array.isArray(value) && value.every(isNonEmptyString);
const isSeconds = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
const isBackend = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  ['get', 'getMany', 'set', 'setMany', 'add', 'delete'].every((method) => isFunction((value as Record<string, unknown>)[method]));

/** The options of `cached()`, strict: an unknown name (a misspelt `timout`) is an error. */
export const cachedOptionsSchema = z.strictObject({
  cacheKey: allowed(
    (v) => isNonEmptyString(v) || (isStringList(v) && (v as unknown[]).length > 0) || isFunction(v),
    'a template string, a non-empty list of parameter names, or a key function',
  ),
  timeout: allowed(
    (v) => isSeconds(v) || v === null || v === DEFAULT_TIMEOUT || isFunction(v),
    'seconds (a positive finite number), null (never expires), DEFAULT_TIMEOUT, or a function of the call',
  ),
  tags: allowed((v) => isStringList(v) || isFunction(v), 'a list of tag templates (non-empty strings) or a function returning one'),
  prefix: allowed((v) => isNonEmptyString(v) || isFunction(v), 'a non-empty template string or a function returning one'),
  cacheAlias: allowed(isNonEmptyString, 'the non-empty name of a backend registered with caches.set()'),
  cacheInstance: allowed(isBackend, 'a backend with get, getMany, set, setMany, add and delete methods'),
  name: allowed(isNonEmptyString, 'a non-empty string'),
  argNames: allowed(isStringList, 'a list of parameter names (non-empty strings)'),
  onError: allowed(isFunction, 'a function (error, info) => void'),
  onEvent: allowed(isFunction, 'a function (event) => void'),
  strict: allowed((v) => typeof v === 'boolean', 'true or false'),
  backendTimeoutMs: allowed(
    (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
    'milliseconds (a positive finite number)',
  ),
});

/** Names of every option `cached()` knows, for error messages. */
export const CACHED_OPTION_NAMES = Object.keys(cachedOptionsSchema.shape);
