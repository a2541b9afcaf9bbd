import { BackendError } from '../../errors';

/**
 * Most calls a remote backend lets wait for an answer at once; more are refused at once with a
 * `BackendError`. A frozen server would otherwise let calls pile up in the client's queues (or,
 * for memcached, its callbacks) for as long as the outage lasts.
 */
export const MAX_PENDING_CALLS = 1000;

/**
 * Counts a backend's calls waiting for an answer and refuses new ones past a limit. Allocation
 * free on the way in and out: the Redis get path runs through it on every hit.
 * @example const refused = limit.admit('get', key); if (refused) return Promise.reject(refused);
 */
export class PendingLimit {
  readonly #backend: string;
  readonly #limit: number;
  #count = 0;

  /** `backend` names it in the refusal (`RedisCache`, `MemcachedCache`). */
  constructor(backend: string, limit: number = MAX_PENDING_CALLS) {
    this.#backend = backend;
    this.#limit = limit;
  }

  /** How many calls are waiting for an answer. */
  get size(): number {
    return this.#count;
  }

  /**
   * Counts one more call waiting, or (when `limit` already wait) returns the error that refuses
   * it. A call let in must be counted out with `release` when it settles.
   */
  admit(operation: string, key: string | undefined): BackendError | undefined {
    if (this.#count >= this.#limit) {
      return new BackendError(
        `${this.#backend}.${operation}: ${this.#limit} calls are already waiting for an answer (is a server down or frozen?)`,
        { operation, key },
      );
    }
    this.#count++;
    return undefined;
  }

  /** `weight` calls let in by `admit` stopped waiting. */
  release(weight = 1): void {
    this.#count -= weight;
  }
}
