import type { EasyCacheError } from '../errors';
import { setLinkChangeSink } from '../backends/shared/link-events';
import type { BreakerCloseEvent, BreakerOpenEvent } from './breaker-events';
import { eventsPublished, publishEvent } from './channels';

/** What every event says: which function, and which key. */
interface EventBase {
  /** The cached function's label, e.g. `cached(getUser)`. */
  readonly function: string;
  /** The key involved (for an invalidation by tag or prefix, the tag key). */
  readonly key: string;
}

/** A call found a valid entry. */
export interface HitEvent extends EventBase {
  /** The kind of event. */
  readonly type: 'hit';
  /** `near` when the entry came from the backend's near cache (no round trip); absent otherwise. */
  readonly tier?: 'near';
}

/** A call found no valid entry and runs (or joins) the function. */
export interface MissEvent extends EventBase {
  /** The kind of event. */
  readonly type: 'miss';
  /** Set when an entry was found but not used: written under another `version`, or its value failed the `schema`. */
  readonly reason?: MissReason;
}

/** Why an entry that was found is a miss (SPEC 11.8). */
export type MissReason = 'version' | 'schema';

/** A value was stored. */
export interface SetEvent extends EventBase {
  /** The kind of event. */
  readonly type: 'set';
  /** The tag keys the entry carries. */
  readonly tags: readonly string[];
}

/** An entry, a tag or a prefix was invalidated. */
export interface InvalidateEvent extends EventBase {
  /** The kind of event. */
  readonly type: 'invalidate';
  /** What was invalidated: a key, a tag, or a prefix. */
  readonly by: 'key' | 'tag' | 'prefix';
  /** `hard` (`invalidate*`: never served again) or `soft` (`expire*`: stale, kept as a fallback). */
  readonly mode: 'hard' | 'soft';
}

/** Why a stale value was returned: the function failed, passed a timeout, is backing off after a failure, or stale-while-revalidate (`softTimeoutMs: 0`). */
export type StaleReason = 'error' | 'soft-timeout' | 'hard-timeout' | 'backoff' | 'swr';

/** A call returned a stale value (SPEC 11.1); the function, if it runs, goes on in the background. */
export interface StaleEvent extends EventBase {
  /** The kind of event. */
  readonly type: 'stale';
  /** Why the stale value was returned. */
  readonly reason: StaleReason;
  /** The function's error, for reason `error`; the `FunctionTimeoutError` that the stale value stood in for, for `hard-timeout`. */
  readonly error: unknown;
}

/** Why a call went on without the lock of its key (SPEC 11.4): `waitMs` passed, a lock operation failed, or it had a value to return. */
export type LockGiveUpReason = 'wait-ms' | 'backend-error' | 'value-in-hand';

/** What became of a flight's use of the lock of its key across processes (option `lock`). */
export interface LockEvent extends EventBase {
  /** The kind of event. */
  readonly type: 'lock';
  /**
   * `taken`: this process holds the lock and computes the key; `waited`: another process wrote the
   * value while this one waited; `given-up`: this one goes on without the lock (see `reason`).
   */
  readonly outcome: 'taken' | 'waited' | 'given-up';
  /** Milliseconds since the flight first tried the lock: the wait for another process, or about one round trip when it did not wait. */
  readonly waitedMs: number;
  /** Why it gave up, for `given-up`. */
  readonly reason?: LockGiveUpReason;
}

/** An error was reported instead of thrown. */
export interface BackendErrorEvent {
  /** The kind of event. */
  readonly type: 'backend-error';
  /** The cached function's label. */
  readonly function: string;
  /** The key involved, when there is one. */
  readonly key: string | undefined;
  /** What went wrong. */
  readonly error: EasyCacheError;
}

/**
 * The near cache of a backend was cleared and is bypassed (its coherence link is down or being
 * re-established: reads go to the remote store), or is trusted again. Sent to the global
 * listeners (`caches.onEvent`) and `easy-cache:event`, not to a function's own `onEvent`.
 */
export interface NearCacheEvent extends EventBase {
  /** The kind of event. */
  readonly type: 'near-cache-bypassed' | 'near-cache-restored';
  /** For these events: the backend, e.g. `RedisCache(shop)`. */
  readonly function: string;
  /** For these events: the key prefix the link watches (empty: every key). */
  readonly key: string;
  /** Why, in words (`connection closed`, `tracking established`, ...). */
  readonly reason: string;
}

/** What happened, for metrics and logs. Every event names the function and the key involved. */
export type CacheEvent = HitEvent | MissEvent | StaleEvent | SetEvent | InvalidateEvent | BackendErrorEvent | LockEvent | BreakerOpenEvent | BreakerCloseEvent | NearCacheEvent;

/** Receives events; see `caches.onEvent` and the `onEvent` option. */
export type CacheEventListener = (event: CacheEvent) => void;

const globalListeners = new Set<CacheEventListener>();

/** Subscribes to the events of every cached function; returns the function that unsubscribes. */
export function addGlobalListener(listener: CacheEventListener): () => void {
  globalListeners.add(listener);
  return () => {
    globalListeners.delete(listener);
  };
}

/** Whether anyone listens to a function with listener `own` (or to `easy-cache:event`); the call path builds event objects only then. */
export function isObserved(own: CacheEventListener | undefined): boolean {
  return own !== undefined || globalListeners.size > 0 || eventsPublished();
}

/** Delivers `event` to the function's own listener, to every global one and to `easy-cache:event`; a throwing listener is ignored. */
export function emitEvent(event: CacheEvent, own: CacheEventListener | undefined): void {
  if (own) safely(own, event);
  for (const listener of globalListeners) safely(listener, event);
  if (eventsPublished()) publishEvent(event);
}

setLinkChangeSink((change) => {
  if (isObserved(undefined)) emitEvent({ type: change.type, function: change.backend, key: change.prefix, reason: change.reason }, undefined);
});

function safely(listener: CacheEventListener, event: CacheEvent): void {
  try {
    listener(event);
  } catch {
    // A metrics hook must never break the call it observes.
  }
}
