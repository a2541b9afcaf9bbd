import type { CacheInstance } from '../backends/backend';

/** A computation under way for one key, shared by the calls that miss while it runs. */
export interface Flight {
  readonly promise: Promise<unknown>;
  /** Tag keys the entry will carry, known before the call; an invalidation of one fences the flight. */
  readonly tagKeys: readonly string[];
  /** Set by an invalidation that landed while the value was computed: the value must not be stored. */
  fenced: boolean;
}

// Owned per backend (never module-global per key space): two backends never share flights.
const flightsByBackend = new WeakMap<CacheInstance, Map<string, Flight>>();

/** The in-flight computations of `backend`, by key. */
export function flightsOf(backend: CacheInstance): Map<string, Flight> {
  let flights = flightsByBackend.get(backend);
  if (!flights) {
    flights = new Map();
    flightsByBackend.set(backend, flights);
  }
  return flights;
}

/** Fences the flight of `key`: later calls start afresh and its value is not stored. */
export function fenceKey(backend: CacheInstance, key: string): void {
  const flights = flightsByBackend.get(backend);
  const flight = flights?.get(key);
  if (!flights || !flight) return;
  flight.fenced = true;
  flights.delete(key);
}

/** Fences every flight whose entry would carry one of `tagKeys`. */
export function fenceTags(backend: CacheInstance, tagKeys: readonly string[]): void {
  const flights = flightsByBackend.get(backend);
  if (!flights || flights.size === 0) return;
  for (const [key, flight] of flights) {
    if (flight.tagKeys.some((tagKey) => tagKeys.includes(tagKey))) {
      flight.fenced = true;
      flights.delete(key);
    }
  }
}
