import type { CacheInstance } from './backends/backend';
import { MemoryCache } from './backends/memory/memory-cache';
import { CacheConfigError } from './errors';
import { routeBackendProblems } from './observe/backend-problems';
import { attachDebugLoggerFromEnvironment } from './observe/debug';
import { addGlobalListener, type CacheEventListener } from './observe/events';
import { setGlobalErrorHandler, type ErrorHandler } from './observe/report';

// Connection errors of backends' clients reach caches.onError and the events from now on.
routeBackendProblems();

const aliases = new Map<string, CacheInstance>();
let defaultInstance: CacheInstance | undefined;

/** The registry of backends: aliases for `cacheAlias`, the default backend, and process-wide hooks. */
export const caches = Object.freeze({
  /** Registers `instance` under `alias` (replacing what was there). */
  set(alias: string, instance: CacheInstance): void {
    if (typeof alias !== 'string' || alias.length === 0) {
      throw new CacheConfigError(`caches.set(): the alias must be a non-empty string; received ${typeof alias}`, { option: 'alias', received: alias });
    }
    aliases.set(alias, instance);
  },
  /** The backend registered under `alias`, or `undefined`. */
  get(alias: string): CacheInstance | undefined {
    return aliases.get(alias);
  },
  /** Removes the alias; resolves nothing and closes nothing. */
  delete(alias: string): boolean {
    return aliases.delete(alias);
  },
  /** Makes `instance` the backend of functions that name none. */
  setDefault(instance: CacheInstance): void {
    defaultInstance = instance;
  },
  /** The default backend: what `setDefault` set, else a process-wide `MemoryCache` made on first use. */
  getDefault(): CacheInstance {
    defaultInstance ??= new MemoryCache();
    return defaultInstance;
  },
  /** Sets the handler of errors reported by functions without their own `onError` (`undefined` restores the default warning). */
  onError(handler: ErrorHandler | undefined): void {
    setGlobalErrorHandler(handler);
  },
  /** Subscribes to the events of every cached function; returns the function that unsubscribes. */
  onEvent(listener: CacheEventListener): () => void {
    return addGlobalListener(listener);
  },
});

/** How a function finds its backend at call time: its instance, its alias (looked up now), or the default. */
export function resolveBackend(instance: CacheInstance | undefined, alias: string | undefined, label: string): () => CacheInstance {
  attachDebugLoggerFromEnvironment();
  if (instance) return () => instance;
  if (alias === undefined) return () => caches.getDefault();
  return () => {
    const found = aliases.get(alias);
    if (found) return found;
    throw new CacheConfigError(`${label}: no backend is registered under cacheAlias "${alias}"; register it with caches.set("${alias}", backend)`, {
      option: 'cacheAlias',
      received: alias,
    });
  };
}
