import { EasyCacheError } from '../errors';

/** The rejection of a call that outlived its bound; the guard turns it into a `BackendError` naming the bound. */
export class BoundExceeded extends EasyCacheError {
  constructor() {
    super('E_CACHE_BACKEND', 'no answer in time');
  }
}

// Calls whose deadlines fall in the same slice of time share one timer and one timeout promise:
// a bound then costs one Promise.race per call, not a promise, closures and a timer of its own
// (measured: with 64 Redis hits in flight, a hit went from 1.45x to 1.25x a raw GET). A call is
// cut off at most SLICE_MS after its deadline.
const SLICE_MS = 5;
const slices = new Map<number, Promise<never>>();

function timeoutAt(deadline: number): Promise<never> {
  const due = Math.ceil(deadline / SLICE_MS);
  let timeout = slices.get(due);
  if (timeout === undefined) {
    timeout = new Promise<never>((_resolve, reject) => {
      setTimeout(() => {
        slices.delete(due);
        reject(new BoundExceeded());
      }, due * SLICE_MS - Date.now()).unref();
    });
    // Each racing call handles the rejection itself; this keeps the shared promise quiet.
    timeout.catch(() => undefined);
    slices.set(due, timeout);
  }
  return timeout;
}

/**
 * Settles with `promise`, or rejects with `BoundExceeded` at most a few ms after `ms`; a late
 * reply changes nothing. `ms` 0 (or less, or not finite) means no bound.
 */
export function withBound<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!(ms > 0) || ms === Infinity) return promise;
  return Promise.race([promise, timeoutAt(Date.now() + ms)]);
}
