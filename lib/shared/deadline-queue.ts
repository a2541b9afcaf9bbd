import { timerDelay } from './timer-limit';

/** A call that a `DeadlineQueue` watches: it marks itself `settled` when answered in time. */
export interface Expirable {
  settled: boolean;
  /** Set by the queue when the call is added (ms since the epoch). */
  deadline: number;
  /** Runs once, when the deadline passes before the call settled; it settles the call. */
  expire(): void;
}

/**
 * Deadlines for calls that share one bound. Since every call of a queue has the same bound, its
 * deadlines arrive in order, so one timer (armed for the oldest unsettled call) serves them all:
 * a call costs a push, not a `setTimeout` and a `clearTimeout`.
 */
export class DeadlineQueue<T extends Expirable> {
  readonly #ms: number;
  #pending: T[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Watches `call` until it settles or its deadline (now + the bound) passes. */
  add(call: T): void {
    call.deadline = Date.now() + this.#ms;
    // Calls settled at the head are let go now rather than when the timer fires: held for a whole
    // bound, thousands of answered calls a second outlived young-generation collections and cost
    // full ones (measured: a memcached hit took 9 µs of CPU more than a raw get, 2 µs after this
    // and the same change to the core's bounds).
    const pending = this.#pending;
    while (this.#head < pending.length && (pending[this.#head] as T).settled) this.#head++;
    if (this.#head === pending.length) {
      pending.length = 0;
      this.#head = 0;
    } else this.#compact();
    pending.push(call);
    if (this.#timer === undefined) this.#arm(this.#ms);
  }

  /** The calls watched and not settled yet, oldest first. */
  *unsettled(): IterableIterator<T> {
    for (let i = this.#head; i < this.#pending.length; i++) {
      const call = this.#pending[i] as T;
      if (!call.settled) yield call;
    }
  }

  /** Drops the consumed part once it dominates, so the array does not grow without bound. */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(ms: number): void {
    // Unref: pending calls keep their own sockets alive; the bound alone must not hold a process open.
    // A deadline beyond a timer's reach is looked at again when the capped timer fires.
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, timerDelay(ms))).unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    const pending = this.#pending;
    while (this.#head < pending.length) {
      const next = pending[this.#head] as T;
      if (!next.settled && next.deadline > now) break;
      this.#head++;
      if (!next.settled) next.expire();
    }
    this.#compact();
    const head = this.#pending[this.#head];
    if (head) this.#arm(head.deadline - now);
    else {
      this.#pending = [];
      this.#head = 0;
    }
  }
}
