/**
 * The circuit breaker of one backend object (SPEC 11.5): the state machine only. The guard asks
 * it before each backend call (`admit`) and tells it how the call went; reporting is the guard's.
 *
 *   closed ──(failures in a row)──► open ──(openMs passed: one call is the probe)──► probing
 *     ▲                               ▲                                                 │
 *     └───────(the probe answered)────┼─────────────────────────────────────────────────┤
 *                                     └────────(the probe failed, or never answered)────┘
 */
import { clockOf, type BreakerSettings, type CacheInstance } from '../backends/backend';

/** What `admit` decides for one call: go ahead, go ahead as the probe, or skip the backend. */
export type Admission = 'pass' | 'probe' | 'refuse';

/** One backend's breaker; times are read from `now` (ms), the backend's clock unless a test injects one. */
export class Breaker {
  readonly failuresToOpen: number;
  readonly openMs: number;
  readonly #now: () => number;
  #state: 'closed' | 'open' | 'probing' = 'closed';
  /** Failed calls in a row while closed; reset by a success. */
  #failures = 0;
  /** Open: when a probe may go. Probing: when a probe that has not answered counts as failed. */
  #until = 0;
  /** When it opened (this opening, however many probes failed since). */
  #openedAt = 0;
  #closedAt = 0;
  #cause: unknown;

  constructor(settings: BreakerSettings, now: () => number = Date.now) {
    this.failuresToOpen = settings.failures;
    this.openMs = settings.openMs;
    this.#now = now;
  }

  /** Closed with no failure since the last success: the hot path then needs to learn nothing of its call. */
  get quiet(): boolean {
    return this.#failures === 0 && this.#state === 'closed';
  }

  /** Whether calls skip the backend (open, or probing). */
  get isOpen(): boolean {
    return this.#state !== 'closed';
  }

  /** When the last opening began (by the breaker's clock). */
  get openedAt(): number {
    return this.#openedAt;
  }

  /** When the last opening ended (by the breaker's clock). */
  get closedAt(): number {
    return this.#closedAt;
  }

  /** The failure that opened the breaker last. */
  get cause(): unknown {
    return this.#cause;
  }

  /** Whether a call may go to the backend now; the first call after `openMs` of an opening is its probe. */
  admit(): Admission {
    if (this.#state === 'closed') return 'pass';
    const now = this.#now();
    if (now < this.#until) return 'refuse';
    // A probe that has not answered within openMs is taken as failed: another call probes.
    this.#state = 'probing';
    this.#until = now + this.openMs;
    return 'probe';
  }

  /** A call was answered. Returns `true` when it was the probe and closed the breaker. */
  succeeded(admission: Admission): boolean {
    if (this.#state === 'closed') {
      this.#failures = 0;
      return false;
    }
    // An answer to a call made before the breaker opened proves little; only the probe closes it.
    if (admission !== 'probe' || this.#state !== 'probing') return false;
    this.#state = 'closed';
    this.#failures = 0;
    this.#closedAt = this.#now();
    return true;
  }

  /** A call failed or timed out. Returns `true` when this failure opened the breaker. */
  failed(admission: Admission, error?: unknown): boolean {
    const now = this.#now();
    if (this.#state === 'closed') {
      this.#failures += 1;
      if (this.#failures < this.failuresToOpen) return false;
      this.#state = 'open';
      this.#openedAt = now;
      this.#cause = error;
      this.#until = now + this.openMs;
      return true;
    }
    // A failed probe keeps the same opening open for another openMs; other late failures change nothing.
    if (admission === 'probe' && this.#state === 'probing') {
      this.#state = 'open';
      this.#until = now + this.openMs;
    }
    return false;
  }
}

/** Each backend object's breaker; `null` for a backend without one. */
const breakers = new WeakMap<CacheInstance, Breaker | null>();

/** The breaker of `backend` (made on first use from its `breaker` settings), or `undefined`. */
export function breakerOf(backend: CacheInstance): Breaker | undefined {
  let breaker = breakers.get(backend);
  if (breaker === undefined) {
    const settings = backend.breaker;
    breaker = settings && !backend.inProcess ? new Breaker(settings, clockOf(backend)) : null;
    breakers.set(backend, breaker);
  }
  return breaker ?? undefined;
}
