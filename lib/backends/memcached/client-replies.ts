import { BackendError } from '../../errors';
import { shownKey } from '../shared/codec';

/** The refusal of a call made after `close()`. */
export function closedError(operation: string, key: string | undefined): BackendError {
  return new BackendError(`memcached ${operation}: the MemcachedCache is closed`, { operation, key });
}

/** A failed batch of gets, as the error of one of its callers: it names that caller's key. */
export function readFailure(key: string, error: unknown): BackendError {
  const cause = error instanceof BackendError ? (error.cause ?? error) : error;
  const why = error instanceof Error ? error.message : String(error);
  return new BackendError(why.includes('memcached get') ? why : `memcached get failed: ${why}`, { operation: 'get', key, cause });
}

/** The result of a client call that answers with a value, after its error is thrown. */
export function answer(error: unknown, result: unknown): unknown {
  if (error !== undefined && error !== null) throw error;
  return result;
}

/** `true` for a STORED answer; anything else (an error, or SERVER_ERROR's `false`) throws. */
export function stored(operation: string, key: string, error: unknown, result: unknown): true {
  if (error !== undefined && error !== null) throw asBackendError(operation, key, error);
  if (result !== true) {
    throw new BackendError(
      `memcached ${operation}: the server did not store ${shownKey(key)} (is the value over its item size limit?)`,
      { operation, key },
    );
  }
  return true;
}

/**
 * `thrown` as it is when it is already a `BackendError`, else wrapped in one (with `cause`). A
 * client error that is not the server's answer leads with the connection `problem`, if any: the
 * client's own words ("Server at ... not available") do not say why.
 */
export function asBackendError(operation: string, key: string | undefined, thrown: unknown, problem?: string): BackendError {
  if (thrown instanceof BackendError) return thrown;
  const messages = (Array.isArray(thrown) ? thrown : [thrown]).map((item) =>
    item instanceof Error ? item.message : String(item).replace(/^Error: /, ''),
  );
  let why = messages.join('; ');
  if (problem !== undefined && !/SERVER_ERROR|CLIENT_ERROR/.test(why) && !problem.endsWith(why)) why = `${problem} (${why})`;
  return new BackendError(`memcached ${operation} failed: ${why}`, { operation, key, cause: thrown });
}
