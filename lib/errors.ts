/** Machine-readable codes carried by every easy-cache error. */
export type EasyCacheErrorCode =
  | 'E_CACHE_CONFIG'
  | 'E_CACHE_TEMPLATE'
  | 'E_CACHE_KEY'
  | 'E_CACHE_BACKEND'
  | 'BREAKER_OPEN'
  | 'E_CACHE_SERIALIZE'
  | 'E_CACHE_SCHEMA'
  | 'FUNCTION_TIMEOUT'
  | 'FUNCTION_ERROR';

/** Base class of every error the library throws or reports. */
export class EasyCacheError extends Error {
  /** What kind of error this is, stable across versions; see docs/errors.md. */
  readonly code: EasyCacheErrorCode;

  constructor(code: EasyCacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A bad option or a bad use of the API, found when `cached()` (or a helper) is called.
 * @example `cached(getUser): option "timout" is not an option of cached(); known options are ...`
 */
export class CacheConfigError extends EasyCacheError {
  /** The option that was wrong, when one option is to blame. */
  readonly option: string | undefined;
  /** What was received for it. */
  readonly received: unknown;

  constructor(
    message: string,
    details: { option?: string; received?: unknown; cause?: unknown } = {},
    code: EasyCacheErrorCode = 'E_CACHE_CONFIG',
  ) {
    super(code, message, { cause: details.cause });
    this.option = details.option;
    this.received = details.received;
  }
}

/** A key, tag or prefix template that cannot be compiled; carries the template and the index of the fault. */
export class CacheTemplateError extends CacheConfigError {
  /** The template that could not be compiled. */
  readonly template: string;
  /** Where in the template the fault is (0-based). */
  readonly index: number;

  constructor(message: string, details: { template: string; index: number; option?: string }) {
    super(message, { option: details.option, received: details.template }, 'E_CACHE_TEMPLATE');
    this.template = details.template;
    this.index = details.index;
  }
}

/** A call whose arguments cannot make a key: a function or symbol in a key, or a helper missing an argument. */
export class CacheKeyError extends EasyCacheError {
  /** The parameter whose value was at fault. */
  readonly parameter: string | undefined;

  constructor(message: string, details: { parameter?: string; cause?: unknown } = {}) {
    super('E_CACHE_KEY', message, { cause: details.cause });
    this.parameter = details.parameter;
  }
}

/**
 * A backend call that failed or took longer than its bound (`E_CACHE_BACKEND`; `cause` holds the
 * original error), or that was not made because the backend's circuit breaker is open
 * (`BREAKER_OPEN`; `cause` holds the failure that opened it).
 */
export class BackendError extends EasyCacheError {
  /** The backend operation: get, getMany, set, setMany, add, delete, clear, close. */
  readonly operation: string;
  /** The (first) key involved, when there is one. */
  readonly key: string | undefined;

  constructor(message: string, details: { operation: string; key?: string; cause?: unknown; code?: 'E_CACHE_BACKEND' | 'BREAKER_OPEN' }) {
    super(details.code ?? 'E_CACHE_BACKEND', message, { cause: details.cause });
    this.operation = details.operation;
    this.key = details.key;
  }
}

/** A value that cannot be encoded (a function, a symbol) or stored data that cannot be decoded. */
export class SerializationError extends EasyCacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CACHE_SERIALIZE', message, options);
  }
}

/** One problem a schema found in a value (a Standard Schema issue). */
export interface SchemaIssue {
  /** What is wrong, in words. */
  readonly message: string;
  /** Where in the value, when the schema says: keys, or segments holding one. */
  readonly path?: ReadonlyArray<PropertyKey | SchemaPathSegment> | undefined;
}

/** One step of a `SchemaIssue` path, as some schemas give it. */
export interface SchemaPathSegment {
  /** The key of this step. */
  readonly key: PropertyKey;
}

/**
 * A value failed the function's `schema`: a cached one (read as a miss, then overwritten) or a
 * fresh one (returned to the caller, not stored). Reported, never thrown.
 * @example `cached(getUser): the cached value under key user:1 fails the schema (a miss): id: Expected number, received string`
 */
export class SchemaError extends EasyCacheError {
  /** The key of the value. */
  readonly key: string;
  /** The issues the schema found, as it reported them. */
  readonly issues: ReadonlyArray<SchemaIssue>;

  constructor(message: string, details: { key: string; issues: ReadonlyArray<SchemaIssue>; cause?: unknown }) {
    super('E_CACHE_SCHEMA', message, { cause: details.cause });
    this.key = details.key;
    this.issues = details.issues;
  }
}

/**
 * The cached function did not settle within `hardTimeoutMs` and there was no stale value to
 * return. The function goes on in the background; its value is stored when it arrives.
 * @example `cached(getUser): the function did not settle within 200 ms (hardTimeoutMs) for key user:1, and there is no stale value to return`
 */
export class FunctionTimeoutError extends EasyCacheError {
  /** The key of the call. */
  readonly key: string;
  /** The bound that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, details: { key: string; timeoutMs: number }) {
    super('FUNCTION_TIMEOUT', message);
    this.key = details.key;
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * Reported (never thrown) when the cached function failed and a stale value was returned in its
 * place (fail-safe); `cause` is the function's own error.
 */
export class FunctionError extends EasyCacheError {
  /** The key of the call. */
  readonly key: string;

  constructor(message: string, details: { key: string; cause: unknown }) {
    super('FUNCTION_ERROR', message, { cause: details.cause });
    this.key = details.key;
  }
}
