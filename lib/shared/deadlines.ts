/**
 * The one mechanism that cuts calls at their deadline: calls wait in doubly linked lists (join
 * and leave in O(1), so an answered call keeps nothing alive), and one timer, set for the earliest
 * deadline of the calls still waiting, sweeps every list that holds a call. `withBound` (bound.ts)
 * keeps its calls in one list; each `DeadlineQueue` (a memcached backend's stalled calls) has its
 * own, swept by the same timer.
 *
 * Measured against the alternatives: a timer per call cost more with 64 hits in flight, racing a
 * timeout promise shared by the calls of a 5 ms slice kept each call's result alive for a whole
 * bound (0.6 µs per hit in collections), and an array of settled calls held for a whole bound
 * outlived young-generation collections (a memcached hit cost 9 µs of CPU more than a raw get).
 * A sweep every 5 ms while calls wait (the rule before) cost 2-3 µs of CPU per sequential Redis
 * hit on a 2-core VM: a timer that fires 200 times a second wakes the event loop each time. Set
 * for the earliest deadline, the timer fires about once per bound while calls keep coming (they
 * answer long before it), and cuts a call as soon as its deadline passes instead of up to 5 ms late.
 */
import { timerDelay } from './timer-limit';

/** A call watched for its deadline. The links belong to the list that holds it. */
export interface Expirable {
  /** When the call is cut (ms since the epoch). */
  deadline: number;
  /** Set by a call that settles without leaving its list; the next sweep drops it. */
  settled?: boolean;
  /** Runs once, when the deadline passes before the call settled (it has left its list then); it settles the call. */
  expire(now: number): void;
  previous?: Expirable | undefined;
  next?: Expirable | undefined;
}

/** The lists holding calls; the sweep drops a list once it is empty. */
const active: DeadlineList<Expirable>[] = [];
/** The timer that sweeps, and when it fires (ms since the epoch; `Infinity`: none is set). */
let timer: ReturnType<typeof setTimeout> | undefined;
let timerAt = Infinity;

/** Makes the sweep run at `deadline` at the latest: sets the timer, or sets it earlier. */
function sweepBy(deadline: number): void {
  if (deadline >= timerAt) return;
  if (timer !== undefined) clearTimeout(timer);
  timerAt = deadline;
  // Unref: a waiting call keeps its own socket alive; the bound alone must not hold a process open.
  timer = setTimeout(sweepAll, timerDelay(Math.max(1, deadline - Date.now()))).unref();
}

function sweepAll(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = Date.now();
  let kept = 0;
  let earliest = Infinity;
  for (const list of active) {
    const next = list.sweep(now);
    if (next === Infinity) continue;
    active[kept++] = list;
    if (next < earliest) earliest = next;
  }
  active.length = kept;
  // A timer may fire a little before its deadline (its start is the loop's time): then it is set again.
  if (earliest !== Infinity) sweepBy(earliest);
}

/**
 * Calls waiting for their deadlines, oldest first, swept by the shared timer while it holds any.
 * Deadlines may differ between calls: the sweep looks at each call.
 */
export class DeadlineList<T extends Expirable> {
  #first: T | undefined;
  #last: T | undefined;
  #active = false;

  /** Watches `call` (its `deadline` set) until it leaves with `remove`, settles, or is cut. */
  add(call: T): void {
    call.previous = this.#last;
    if (this.#last !== undefined) this.#last.next = call;
    else this.#first = call;
    this.#last = call;
    if (!this.#active) {
      this.#active = true;
      active.push(this as DeadlineList<Expirable>);
    }
    // Calls keep coming with later deadlines than the one the timer is set for: one comparison.
    sweepBy(call.deadline);
  }

  /** Stops watching `call`; a call no longer in the list is left as it is. Whether it was in the list. */
  remove(call: T): boolean {
    const previous = call.previous as T | undefined;
    const next = call.next as T | undefined;
    if (previous !== undefined) previous.next = next;
    else if (this.#first === call) this.#first = next;
    else return false;
    if (next !== undefined) next.previous = previous;
    else this.#last = previous;
    call.previous = undefined;
    call.next = undefined;
    return true;
  }

  /** The calls watched and not settled yet, oldest first. */
  *unsettled(): IterableIterator<T> {
    for (let call = this.#first; call !== undefined; call = call.next as T | undefined) if (call.settled !== true) yield call;
  }

  /**
   * Cuts the calls whose deadline passed (oldest first) and drops settled ones; the earliest
   * deadline of the calls left (`Infinity`: none, and the list is empty).
   */
  sweep(now: number): number {
    // The calls due are found first and cut after: cutting one may settle, remove or add others
    // (a memcached stall drops connections and fails their calls), which a walk under way would
    // miss, leaving calls that no sweep would look at again.
    const due: T[] = [];
    for (let call = this.#first; call !== undefined; call = call.next as T | undefined) if (call.settled !== true && call.deadline <= now) due.push(call);
    for (const call of due) if (this.remove(call) && call.settled !== true) call.expire(now);
    let earliest = Infinity;
    for (let call = this.#first; call !== undefined; ) {
      const next = call.next as T | undefined;
      if (call.settled === true) this.remove(call);
      else if (call.deadline < earliest) earliest = call.deadline;
      call = next;
    }
    this.#active = this.#first !== undefined;
    return earliest;
  }
}

/**
 * Deadlines for calls that share one bound: `add` sets each call's deadline to now + the bound.
 * @example const stalls = new DeadlineQueue<PendingCall>(1000); stalls.add(call);
 */
export class DeadlineQueue<T extends Expirable> extends DeadlineList<T> {
  readonly #ms: number;

  constructor(ms: number) {
    super();
    this.#ms = ms;
  }

  /** Watches `call` until it settles or its deadline (now + the bound) passes. */
  override add(call: T): void {
    call.deadline = Date.now() + this.#ms;
    super.add(call);
  }
}
