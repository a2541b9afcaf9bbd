/**
 * What a near cache learns from its coherence link, sent up: changes of the link (to the event
 * listeners) and keys changed elsewhere (to the running computations of those keys). A backend
 * sits below both, so it hands them to sinks that the upper layers install when they load; with
 * no sink installed they go nowhere.
 */

/** The near cache of a backend stopped being used, or is used again. */
export interface LinkChange {
  /** `near-cache-bypassed`: cleared and bypassed (reads go to the remote store); `near-cache-restored`: trusted again. */
  readonly type: 'near-cache-bypassed' | 'near-cache-restored';
  /** The backend, e.g. `RedisCache(shop)`. */
  readonly backend: string;
  /** The key prefix that the link watches (empty when it watches every key). */
  readonly prefix: string;
  /** Why, in words: `connection closed`, `no answer to PING within 1000 ms`, `tracking established`... */
  readonly reason: string;
}

let sink: ((change: LinkChange) => void) | undefined;

/** Installs the receiver of every link change (the observing layer does, once). */
export function setLinkChangeSink(receiver: (change: LinkChange) => void): void {
  sink = receiver;
}

/** Reports `change` to the installed sink; a sink that throws is ignored. */
export function reportLinkChange(change: LinkChange): void {
  try {
    sink?.(change);
  } catch {
    // An event listener must never break the link that reports to it.
  }
}

let changedSink: ((backend: object, keys: readonly string[] | null) => void) | undefined;

/** Installs the receiver of the keys a near cache was told changed elsewhere (the call layer does, to fence their computations). */
export function setKeysChangedSink(receiver: (backend: object, keys: readonly string[] | null) => void): void {
  changedSink = receiver;
}

/** Keys of `backend` changed in another process (`null`: all of them, a flush). */
export function reportKeysChanged(backend: object, keys: readonly string[] | null): void {
  changedSink?.(backend, keys);
}
