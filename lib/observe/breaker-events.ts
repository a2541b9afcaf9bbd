import type { EasyCacheError } from '../errors';

/**
 * A backend's circuit breaker opened (SPEC 11.5): calls skip the backend for `openMs`. Reported
 * once per opening, to the function whose call failed last, and to every global listener.
 */
export interface BreakerOpenEvent {
  /** The kind of event. */
  readonly type: 'breaker-open';
  /** The label of the function whose call opened it. */
  readonly function: string;
  /** The key of that call, when there is one. */
  readonly key: string | undefined;
  /** The backend, as its class and prefix name it: `RedisCache(prefix shop)`. */
  readonly backend: string;
  /** The failed or timed-out calls in a row that opened it. */
  readonly failures: number;
  /** How long calls skip the backend before one probe is let through, in ms. */
  readonly openMs: number;
  /** The failure that opened it. */
  readonly error: EasyCacheError;
}

/** A backend's circuit breaker closed: a probe call was answered. Reported once per closing. */
export interface BreakerCloseEvent {
  /** The kind of event. */
  readonly type: 'breaker-close';
  /** The label of the function whose call was the probe. */
  readonly function: string;
  /** The key of the probe call, when there is one. */
  readonly key: string | undefined;
  /** The backend, as its class and prefix name it. */
  readonly backend: string;
  /** How long the breaker was open, in ms (by the breaker's clock). */
  readonly openForMs: number;
}
