import { BackendError } from '../../errors';
import { DeadlineQueue } from '../../runtime/deadline-queue';

/** A node-style callback as the `memcached` client calls it. */
export type ClientCallback = (error: unknown, result: unknown) => void;

/** Limits of a `PendingCalls`. */
export interface PendingCallsOptions {
  /** Most calls that may wait for an answer at once; more are refused at once. */
  readonly limit: number;
  /** After this many milliseconds without an answer a call is given up and `onStall` runs. */
  readonly stallMs: number;
  /** Runs when a call is given up (for example to drop the connections that stopped answering). */
  readonly onStall: () => void;
}

/**
 * The calls made to the `memcached` client that have not been answered yet. The client has no
 * command timeout and keeps each callback until its server answers, so against a frozen server
 * they would pile up without end: here every call settles by `stallMs` at the latest, and at most
 * `limit` of them wait at once.
 */
export class PendingCalls {
  readonly #options: PendingCallsOptions;
  readonly #waiting = new Set<(error: Error) => void>();
  readonly #deadlines: DeadlineQueue;

  constructor(options: PendingCallsOptions) {
    this.#options = options;
    this.#deadlines = new DeadlineQueue(options.stallMs);
  }

  /** How many calls are waiting for an answer. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Runs `invoke` with a callback and resolves to what `interpret` makes of the client's answer
   * (`interpret` throws to reject). Rejects with `BackendError` when the client reports an error
   * that `interpret` throws as it is, when no answer comes within `stallMs`, or at once when
   * `limit` calls are already waiting.
   */
  run<T>(
    operation: string,
    key: string | undefined,
    invoke: (callback: ClientCallback) => void,
    interpret: (error: unknown, result: unknown) => T,
  ): Promise<T> {
    const { limit, stallMs, onStall } = this.#options;
    if (this.#waiting.size >= limit) {
      const message = `memcached ${operation}: ${limit} calls are already waiting for an answer (is a server frozen?)`;
      return Promise.reject(new BackendError(message, { operation, key }));
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        deadline.settled = true;
        this.#waiting.delete(fail);
        return true;
      };
      const fail = (error: Error): void => {
        if (finish()) reject(error);
      };
      // One shared timer for all calls (they share one stall limit), not a setTimeout per call.
      const deadline = this.#deadlines.add(() => {
        fail(new BackendError(`memcached ${operation}: no answer after ${stallMs} ms`, { operation, key }));
        onStall();
      });
      this.#waiting.add(fail);
      const callback: ClientCallback = (error, result) => {
        if (!finish()) return;
        try {
          resolve(interpret(error, result));
        } catch (thrown) {
          reject(asBackendError(operation, key, thrown));
        }
      };
      try {
        invoke(callback);
      } catch (thrown) {
        fail(asBackendError(operation, key, thrown));
      }
    });
  }

  /** Rejects every waiting call with `error` (when the backend closes). */
  rejectAll(error: Error): void {
    for (const fail of [...this.#waiting]) fail(error);
  }
}

/** `thrown` as it is when it is already a `BackendError`, else wrapped in one (with `cause`). */
export function asBackendError(operation: string, key: string | undefined, thrown: unknown): BackendError {
  if (thrown instanceof BackendError) return thrown;
  const messages = (Array.isArray(thrown) ? thrown : [thrown]).map((item) =>
    item instanceof Error ? item.message : String(item),
  );
  return new BackendError(`memcached ${operation} failed: ${messages.join('; ')}`, { operation, key, cause: thrown });
}
