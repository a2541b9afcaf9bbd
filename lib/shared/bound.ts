import { EasyCacheError } from '../errors';
import { DeadlineList, type Expirable } from './deadlines';
import { MAX_TIMER_MS } from './timer-limit';

/** The rejection of a call that outlived its bound; the guard turns it into a `BackendError` naming the bound. */
export class BoundExceeded extends EasyCacheError {
  constructor() {
    super('E_CACHE_BACKEND', 'no answer in time');
  }
}

/** A bounded call that has not settled yet: one object per call, linked into `open`. */
class OpenCall implements Expirable {
  deadline = 0;
  previous: Expirable | undefined = undefined;
  next: Expirable | undefined = undefined;

  constructor(readonly reject: (error: Error) => void) {}

  expire(now: number): void {
    this.reject(exceeded(now));
  }
}

/** The bounded calls not settled yet, oldest first, so calls cut in one sweep fail in the order they were made. */
const open = new DeadlineList<Expirable>();

let lastCut: BoundExceeded | undefined;
let lastCutAt = -1;

/** One error for all the calls cut in one sweep: an outage cuts many calls, and a stack trace each costs. */
export function exceeded(now: number): BoundExceeded {
  if (lastCut === undefined || lastCutAt !== now) {
    lastCut = new BoundExceeded();
    lastCutAt = now;
  }
  return lastCut;
}

/**
 * Settles with `promise`, or rejects with `BoundExceeded` at most a few ms after `ms`; a late
 * reply changes nothing. `ms` 0 (or less, or not finite) means no bound, and so does a bound
 * longer than a timer can wait (`MAX_TIMER_MS`, about 24.8 days).
 */
export function withBound<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!isBound(ms)) return promise;
  return new Promise<T>((resolve, reject) => {
    const call = new OpenCall(reject);
    enterBound(call, ms);
    promise.then(
      (value) => {
        leaveBound(call);
        resolve(value);
      },
      (error: unknown) => {
        leaveBound(call);
        reject(error as Error);
      },
    );
  });
}

/**
 * Watches `call` with the bound `ms` (nothing for no bound, see `withBound`): its `expire` runs,
 * with the time, if the bound passes before `leaveBound(call)`; it then settles the call, with
 * `exceeded(now)` as its failure. `withBound` watches its calls so; a caller that settles a promise
 * of its own anyway (a `PlainRead`, see guard.ts) calls it directly, so that the bound adds none.
 */
export function enterBound(call: Expirable, ms: number): void {
  if (!isBound(ms)) return;
  call.deadline = Date.now() + ms;
  open.add(call);
}

/** Stops watching `call`, which settled before its bound passed; a call not watched (or cut already) is left as it is. */
export function leaveBound(call: Expirable): void {
  open.remove(call);
}

/** Whether `ms` bounds a call: 0 (or less, or not finite) is no bound, and so is a bound longer than a timer can wait. */
function isBound(ms: number): boolean {
  return ms > 0 && ms <= MAX_TIMER_MS;
}
