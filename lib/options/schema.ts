import { z } from 'zod';
import type { KnownOptions } from '../shared/option-error';
import { DEFAULT_TIMEOUT } from './defaults';

const isFunction = (value: unknown): boolean => typeof value === 'function';
const isString = (value: unknown): value is string => typeof value === 'string';
const isNonEmptyString = (value: unknown): boolean => isString(value) && value.length > 0;
const isStringList = (value: unknown): boolean => Array.isArray(value) && value.every(isNonEmptyString);
const isSeconds = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
// A Standard Schema (zod, valibot, arktype...): `~standard.validate` with version 1.
const isStandardSchema = (value: unknown): boolean => {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const standard: unknown = (value as Record<string, unknown>)['~standard'];
  return typeof standard === 'object' && standard !== null && isFunction((standard as Record<string, unknown>).validate);
};
const isBackend = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  ['get', 'getMany', 'set', 'setMany', 'add', 'delete'].every((method) => isFunction((value as Record<string, unknown>)[method]));

// `lock`: a boolean, or an object of `ttlMs` (> 0) and `waitMs` (>= 0), both optional, nothing else.
const isLock = (value: unknown): boolean => {
  if (typeof value === 'boolean') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { ttlMs, waitMs, ...rest } = value as Record<string, unknown>;
  const finite = (v: unknown, min: number): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= min);
  return Object.keys(rest).length === 0 && finite(ttlMs, Number.MIN_VALUE) && finite(waitMs, 0);
};

// Each option: the predicate that checks it and what it allows, which the error message quotes.
const RULES = {
  cacheKey: [
    (v) => isNonEmptyString(v) || (isStringList(v) && (v as unknown[]).length > 0) || isFunction(v),
    'a template string, a non-empty list of parameter names, or a key function',
  ],
  timeout: [
    (v) => isSeconds(v) || v === null || v === DEFAULT_TIMEOUT || isFunction(v),
    'seconds (a positive finite number), null (never expires), DEFAULT_TIMEOUT, or a function of the call',
  ],
  tags: [(v) => isStringList(v) || isFunction(v), 'a list of tag templates (non-empty strings) or a function returning one'],
  prefix: [(v) => isNonEmptyString(v) || isFunction(v), 'a non-empty template string or a function returning one'],
  cacheAlias: [isNonEmptyString, 'the non-empty name of a backend registered with caches.set()'],
  cacheInstance: [isBackend, 'a backend with get, getMany, set, setMany, add and delete methods'],
  name: [isNonEmptyString, 'a non-empty string'],
  argNames: [isStringList, 'a list of parameter names (non-empty strings)'],
  onError: [isFunction, 'a function (error, info) => void'],
  onEvent: [isFunction, 'a function (event) => void'],
  strict: [(v) => typeof v === 'boolean', 'true or false'],
  backendTimeoutMs: [(v) => typeof v === 'number' && Number.isFinite(v) && v > 0, 'milliseconds (a positive finite number)'],
  grace: [isSeconds, 'seconds (a positive finite number) an entry stays as a stale fallback after its timeout'],
  graceBackoff: [isSeconds, 'seconds (a positive finite number)'],
  softTimeoutMs: [(v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'milliseconds (a finite number >= 0; 0 serves a stale value at once)'],
  hardTimeoutMs: [(v) => typeof v === 'number' && Number.isFinite(v) && v > 0, 'milliseconds (a positive finite number)'],
  eagerRefresh: [(v) => typeof v === 'number' && v > 0 && v < 1, 'a fraction of the timeout strictly between 0 and 1'],
  schema: [isStandardSchema, 'a zod schema or another Standard Schema (an object whose "~standard".validate checks a value)'],
  version: [isNonEmptyString, 'a non-empty string; entries written under another version are misses'],
  lock: [isLock, 'true, false, or { ttlMs?, waitMs? } with ttlMs milliseconds (a positive finite number) and waitMs milliseconds (a finite number >= 0)'],
  jitter: [(v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0) || isFunction(v), 'seconds (a finite number >= 0) or a function of the call'],
} satisfies Record<string, readonly [(value: unknown) => boolean, string]>;

type OptionName = keyof typeof RULES;

/** The options of `cached()`, strict: an unknown name (a misspelt `timout`) is an error. */
export const cachedOptionsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(RULES).map(([name, [predicate, expectation]]) => [name, z.custom<unknown>(predicate, { message: expectation }).optional()]),
  ) as Record<OptionName, z.ZodOptional<z.ZodCustom<unknown>>>,
);

/** Each option of `cached()` and what it allows, for `optionError`. */
export const CACHED_OPTIONS: KnownOptions = Object.freeze({
  owner: 'cached()',
  allowed: Object.freeze(Object.fromEntries(Object.entries(RULES).map(([name, [, expectation]]) => [name, expectation]))),
});

/** Names of every option `cached()` knows, for error messages. */
export const CACHED_OPTION_NAMES = Object.keys(RULES);
