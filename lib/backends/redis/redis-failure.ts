import { BackendError } from '../../errors';
import { clientErrorText, type ConnectionWatch } from '../shared/connection-watch';

/**
 * A client error as a `BackendError` naming the operation and the key, with the error as `cause`.
 * A command dropped for want of a connection is said with the connection's error (the address
 * and the cause), not with ioredis's words, which point at a client option the user may never
 * have set.
 */
export function failure(operation: string, key: string | undefined, error: unknown, watch: ConnectionWatch): BackendError {
  const where = key === undefined ? '' : ` for "${key}"`;
  return new BackendError(`RedisCache.${operation}${where} failed: ${failureText(error, watch)}`, { operation, key, cause: error });
}

function failureText(error: unknown, watch: ConnectionWatch): string {
  const text = clientErrorText(error);
  // A reply from Redis (a ReplyError: WRONGTYPE, OOM, ...) is an answer, not a connection problem.
  if ((error as { name?: unknown } | null)?.name === 'ReplyError') return text;
  const dropped = (error as { name?: unknown } | null)?.name === 'MaxRetriesPerRequestError';
  const problem = watch.problem;
  if (problem !== undefined) return dropped ? `${problem} (the command was not sent)` : `${problem} (${text})`;
  return dropped ? 'the connection to Redis was lost and the command was not sent' : text;
}
