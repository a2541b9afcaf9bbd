/**
 * The names easy-cache/otel records under, in the OpenTelemetry semantic-convention style: a
 * namespace of its own (`easy_cache.`) for what no convention covers, the conventions' own
 * attributes (`db.system.name`, `db.operation.name`, `error.type`) where they apply.
 */

/** The instrumentation scope of the tracer and the meter. */
export const SCOPE = 'easy-cache';

/** Counter of calls of cached functions, by function and outcome. */
export const METRIC_CALLS = 'easy_cache.calls';
/** Histogram of the duration of calls of cached functions, in milliseconds, by function and outcome. */
export const METRIC_CALL_DURATION = 'easy_cache.call.duration';
/** Counter of failed backend calls, by backend and operation. */
export const METRIC_BACKEND_ERRORS = 'easy_cache.backend.errors';

/** The cached function's label, as events name it: `cached(getBook)`. */
export const ATTR_FUNCTION = 'easy_cache.function';
/** `hit`, `stale`, `miss` or `error`. */
export const ATTR_OUTCOME = 'easy_cache.outcome';
/** Why a stale value was returned (outcome `stale`). */
export const ATTR_STALE_REASON = 'easy_cache.stale.reason';
/** The key, on spans only, and only with `includeKeys`. */
export const ATTR_KEY = 'easy_cache.key';
/** The backend's class name: `RedisCache`, `MemcachedCache`, `MemoryCache`. */
export const ATTR_BACKEND = 'easy_cache.backend';
/** The backend operation: `get`, `getMany`, `set`, `add`, `delete`, ... */
export const ATTR_OPERATION = 'easy_cache.operation';
/** Semantic conventions (database client spans and errors). */
export const ATTR_DB_SYSTEM = 'db.system.name';
export const ATTR_DB_OPERATION = 'db.operation.name';
export const ATTR_ERROR_TYPE = 'error.type';

/** The name of a call's span: `easy_cache.call cached(getBook)`. */
export function callSpanName(label: string): string {
  return `easy_cache.call ${label}`;
}

/** The name of a backend call's span, database-client style: `get RedisCache`. */
export function backendSpanName(operation: string, backend: string): string {
  return `${operation} ${backend}`;
}

const DB_SYSTEMS: Readonly<Record<string, string>> = { RedisCache: 'redis', MemcachedCache: 'memcached' };

/** `db.system.name` of the backends whose store the conventions name. */
export function dbSystemOf(backend: string): string | undefined {
  return DB_SYSTEMS[backend];
}

/** `error.type`: `timeout` for a backend that did not answer within its bound, else the error's class name. */
export function errorTypeOf(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  if (error instanceof Error) return error.name;
  return '_OTHER';
}
