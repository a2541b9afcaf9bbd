import { BackendError } from '../../errors';
import { asBackendError } from './client-replies';
import { DeadlineQueue, type Expirable } from '../../shared/deadlines';
import { PendingLimit } from '../shared/pending-limit';

/** A node-style callback as the `memcached` client calls it. */
export type ClientCallback = (error: unknown, result: unknown) => void;

/** Limits of a `PendingCalls`. */
export interface PendingCallsOptions {
  /** Counts the calls waiting for an answer and refuses more than its limit. */
  readonly limit: PendingLimit;
  /** After this many milliseconds without an answer a call is given up and `onStall` runs. */
  readonly stallMs: number;
  /** Runs when a call is given up (for example to drop the connections that stopped answering). */
  readonly onStall: () => void;
  /** The client's current connection problem, which a failed call's message leads with (see `ConnectionWatch`). */
  readonly connectionProblem?: () => string | undefined;
}

/**
 * The calls made to the `memcached` client that have not been answered yet. The client has no
 * command timeout and keeps each callback until its server answers, so against a frozen server
 * they would pile up without end: here every call settles by `stallMs` at the latest, and at most
 * `limit` of them wait at once.
 */
export class PendingCalls {
  readonly #options: PendingCallsOptions;
  readonly #deadlines: DeadlineQueue<PendingCall<unknown>>;

  constructor(options: PendingCallsOptions) {
    this.#options = options;
    this.#deadlines = new DeadlineQueue(options.stallMs);
  }

  /** How many calls are waiting for an answer. */
  get size(): number {
    return this.#options.limit.size;
  }

  /**
   * Runs `invoke` with a callback and resolves to what `interpret` makes of the client's answer
   * (`interpret` throws to reject). Rejects with `BackendError` when the client reports an error
   * that `interpret` throws as it is, when no answer comes within `stallMs`, or at once when
   * `limit` calls are already waiting. A call made for callers that were each let in by `admit`
   * (a batch of gets) passes their number as `admitted`: it is not refused, and it stops counting
   * them when it settles.
   */
  run<T>(
    operation: string,
    key: string | undefined,
    invoke: (callback: ClientCallback) => void,
    interpret: (error: unknown, result: unknown) => T,
    admitted = 0,
  ): Promise<T> {
    let weight = admitted;
    if (weight === 0) {
      const refused = this.admit(operation, key);
      if (refused) return Promise.reject(refused);
      weight = 1;
    }
    return new Promise<T>((resolve, reject) => {
      const call = new PendingCall<T>(this, operation, key, interpret, resolve, reject, weight);
      // Watched by the one deadline sweep (lib/shared/deadlines.ts), not a setTimeout per call.
      this.#deadlines.add(call as PendingCall<unknown>);
      try {
        invoke((error, result) => call.answer(error, result));
      } catch (thrown) {
        call.fail(asBackendError(operation, key, thrown, this.connectionProblem));
      }
    });
  }

  /**
   * Counts one more caller waiting, or (when the limit is reached) returns the error that refuses
   * it. A caller let in must be counted out by the `run` made for it.
   */
  admit(operation: string, key: string | undefined): BackendError | undefined {
    return this.#options.limit.admit(operation, key);
  }

  /** The client's current connection problem, or `undefined`. */
  get connectionProblem(): string | undefined {
    return this.#options.connectionProblem?.();
  }

  /** Rejects every waiting call with `error` (when the backend closes). */
  rejectAll(error: Error): void {
    for (const call of [...this.#deadlines.unsettled()]) call.fail(error);
  }

  /** Called by a call that settles: `weight` fewer are waiting, and its deadline is no longer watched. */
  settled(call: PendingCall<unknown>, weight: number): void {
    this.#options.limit.release(weight);
    this.#deadlines.remove(call);
  }

  /** Called by a call that got no answer in time, after it rejected. */
  stalled(): void {
    this.#options.onStall();
  }

  /** The error of a call that got no answer in time. */
  stallError(operation: string, key: string | undefined): BackendError {
    return new BackendError(`memcached ${operation}: no answer after ${this.#options.stallMs} ms`, { operation, key });
  }
}

/** One call waiting for the client's callback: one object per call, settled exactly once. */
class PendingCall<T> implements Expirable {
  settled = false;
  deadline = 0;
  previous: Expirable | undefined = undefined;
  next: Expirable | undefined = undefined;

  constructor(
    private readonly calls: PendingCalls,
    private readonly operation: string,
    private readonly key: string | undefined,
    private readonly interpret: (error: unknown, result: unknown) => T,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: Error) => void,
    private readonly weight: number,
  ) {}

  answer(error: unknown, result: unknown): void {
    if (!this.#settle()) return;
    try {
      this.resolve(this.interpret(error, result));
    } catch (thrown) {
      this.reject(asBackendError(this.operation, this.key, thrown, this.calls.connectionProblem));
    }
  }

  fail(error: Error): void {
    if (this.#settle()) this.reject(error);
  }

  expire(): void {
    this.fail(this.calls.stallError(this.operation, this.key));
    // Then drop the connections that stopped answering (which may call back other waiting calls).
    this.calls.stalled();
  }

  #settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.calls.settled(this as PendingCall<unknown>, this.weight);
    return true;
  }
}
