import type { EasyCacheError } from '../errors';

/** What happened, for metrics and logs. Every event names the function and the key involved. */
export type CacheEvent =
  | { readonly type: 'hit'; readonly function: string; readonly key: string }
  | { readonly type: 'miss'; readonly function: string; readonly key: string }
  | { readonly type: 'set'; readonly function: string; readonly key: string; readonly tags: readonly string[] }
  | { readonly type: 'invalidate'; readonly function: string; readonly key: string; readonly by: 'key' | 'tag' | 'prefix' }
  | { readonly type: 'backend-error'; readonly function: string; readonly key: string | undefined; readonly error: EasyCacheError };

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

/** Whether anyone listens; the call path builds event objects only then. */
export function hasGlobalListeners(): boolean {
  return globalListeners.size > 0;
}

/** Delivers `event` to the function's own listener and to every global one; a throwing listener is ignored. */
export function emitEvent(event: CacheEvent, own: CacheEventListener | undefined): void {
  if (own) safely(own, event);
  for (const listener of globalListeners) safely(listener, event);
}

function safely(listener: CacheEventListener, event: CacheEvent): void {
  try {
    listener(event);
  } catch {
    // A metrics hook must never break the call it observes.
  }
}
