/**
 * Changes of a backend's coherence link (the near cache's), sent up to the event listeners. A
 * backend sits below the observers, so it hands its events to a sink that the observing layer
 * installs when it loads; with no sink installed they go nowhere.
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
