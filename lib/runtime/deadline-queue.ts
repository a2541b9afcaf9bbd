/** A pending bounded call: rejected with `onExpire` unless settled before `deadline`. */
interface Pending {
  readonly deadline: number;
  settled: boolean;
  readonly onExpire: () => void;
}

/**
 * Deadlines for calls that share one bound. Since every call of a queue has the same bound, its
 * deadlines arrive in order, so one timer (armed for the oldest unsettled call) serves them all:
 * a call costs an object and a push, not a `setTimeout` and a `clearTimeout`.
 */
export class DeadlineQueue {
  readonly #ms: number;
  #pending: Pending[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Registers a call; mark the returned handle `settled` when it completes in time. */
  add(onExpire: () => void): { settled: boolean } {
    const pending: Pending = { deadline: Date.now() + this.#ms, settled: false, onExpire };
    this.#pending.push(pending);
    if (this.#timer === undefined) this.#arm(this.#ms);
    return pending;
  }

  #arm(ms: number): void {
    // Unref: pending calls keep their own sockets alive; the bound alone must not hold a process open.
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, ms)).unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    const pending = this.#pending;
    while (this.#head < pending.length) {
      const next = pending[this.#head] as Pending;
      if (!next.settled && next.deadline > now) break;
      this.#head++;
      if (!next.settled) {
        next.settled = true;
        next.onExpire();
      }
    }
    // Compact once the consumed part dominates, so the array does not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > pending.length) {
      this.#pending = pending.slice(this.#head);
      this.#head = 0;
    }
    const head = this.#pending[this.#head];
    if (head) this.#arm(head.deadline - now);
    else {
      this.#pending = [];
      this.#head = 0;
    }
  }
}
