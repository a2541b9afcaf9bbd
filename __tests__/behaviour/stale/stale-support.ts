/**
 * Shared pieces of the stale-serving tests (SPEC 11.1, 11.3): how their backends are built, raw
 * entries written as another process would, and a collector of what a function reports.
 */
import { taggedJson, type CacheEvent, type EasyCacheError, type StaleEvent, type StaleReason } from '../../../lib';
import type { BackendSettings, BackendUnderTest } from '../../helpers/backends-under-test';

/** One memcached server, so raw writes find their key; a generous bound for a loaded machine. */
export const STALE_SETTINGS: BackendSettings = { label: 'stale', backendTimeoutMs: 1000, memcachedServers: 'first' };

/** The backend's clock (memory: its injected one, which `passTime` moves), as the library reads it. */
export function clockNow(under: BackendUnderTest): number {
  return under.backend.now?.() ?? Date.now();
}

/**
 * Stores under `key` an entry of today's format holding `value`, as a writer whose clock said
 * "fresh until now + freshForMs, gone at now + goneInMs" would: negative `freshForMs` is stale.
 */
export async function writeEntry(under: BackendUnderTest, key: string, value: unknown, freshForMs = -1000, goneInMs = 60_000): Promise<void> {
  const now = clockNow(under);
  await under.writeRaw(key, taggedJson.encode({ m: 'easy-cache:3', v: value, f: now + freshForMs, g: now + goneInMs }));
}

/** Collects the events and reported errors of the functions it is passed to (`...observer.hooks`). */
export function observe(): {
  readonly events: CacheEvent[];
  readonly errors: EasyCacheError[];
  readonly hooks: { onEvent(event: CacheEvent): void; onError(error: EasyCacheError): void };
  staleReasons(): StaleReason[];
  sets(): number;
} {
  const events: CacheEvent[] = [];
  const errors: EasyCacheError[] = [];
  return {
    events,
    errors,
    hooks: { onEvent: (event) => events.push(event), onError: (error) => errors.push(error) },
    staleReasons: () => events.filter((event): event is StaleEvent => event.type === 'stale').map((event) => event.reason),
    sets: () => events.filter((event) => event.type === 'set').length,
  };
}
