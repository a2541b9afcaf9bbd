import { BackendError, EasyCacheError, SerializationError } from '../errors';
import type { CacheInstance } from '../backends/backend';
import { DeadlineQueue } from './deadline-queue';
import { emitEvent, hasGlobalListeners, type CacheEventListener } from './events';
import { reportError, type ErrorHandler } from './report';

/** How one cached function talks to backends: its bound, its strictness and where its errors go. */
export interface GuardSettings {
  readonly label: string;
  /** The function's own bound in ms; `undefined` defers to the backend's, then to the default. */
  readonly backendTimeoutMs: number | undefined;
  readonly strict: boolean;
  readonly onError: ErrorHandler | undefined;
  readonly onEvent: CacheEventListener | undefined;
}

/**
 * One user call's view of the backend. After one backend call fails or times out, the rest of
 * the user call runs without the backend, so a caller never waits more than one bound.
 */
export class BackendSession {
  readonly backend: CacheInstance;
  readonly settings: GuardSettings;
  #down = false;
  readonly #boundMs: number;

  constructor(backend: CacheInstance, settings: GuardSettings, defaultBoundMs: number) {
    this.backend = backend;
    this.settings = settings;
    this.#boundMs = boundOf(backend, settings, defaultBoundMs);
  }

  /** Whether an earlier call of this session failed. */
  get down(): boolean {
    return this.#down;
  }

  /**
   * Runs a read or write: on failure reports it and resolves to `fallback` (or, in strict mode,
   * rejects with `BackendError`).
   */
  async attempt<T>(operation: string, key: string | undefined, run: () => Promise<T>, fallback: T): Promise<T> {
    if (this.#down) return fallback;
    try {
      return await withBound(run(), this.#boundMs, operation);
    } catch (error) {
      return this.absorb(error, operation, key, fallback);
    }
  }

  /**
   * What a failed read or write becomes: reported, then `fallback` (or, in strict mode, a thrown
   * `BackendError`). After a backend failure the session is down.
   */
  absorb<T>(error: unknown, operation: string, key: string | undefined, fallback: T): T {
    // Data that cannot be decoded or encoded is the value's fault, not the backend's: a miss or a skipped write.
    if (error instanceof SerializationError) {
      this.reportProblem(error, operation, key);
      return fallback;
    }
    // Calls sent together may fail together: one report per user call is enough.
    const reported = this.#down ? asBackendError(error, this.settings.label, operation, key) : this.report(error, operation, key);
    this.#down = true;
    if (this.settings.strict) throw reported;
    return fallback;
  }

  /** Runs an invalidation: failures are reported and always reject with `BackendError`. */
  async mustSucceed<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await withBound(run(), this.#boundMs, operation);
    } catch (error) {
      throw this.report(error, operation, key);
    }
  }

  /** Reports an error found by the core itself (a bad timeout-function result, say). */
  reportProblem(error: EasyCacheError, operation: string, key: string | undefined): void {
    const { label, onError, onEvent } = this.settings;
    reportError(error, { operation, key, function: label }, onError, this.backend);
    if (onEvent || hasGlobalListeners()) emitEvent({ type: 'backend-error', function: label, key, error }, onEvent);
  }

  private report(error: unknown, operation: string, key: string | undefined): EasyCacheError {
    const wrapped = asBackendError(error, this.settings.label, operation, key);
    this.reportProblem(wrapped, operation, key);
    return wrapped;
  }
}

/** The bound on one call of `backend` for a function: its own, else the backend's, else the default; none in process. */
export function boundOf(backend: CacheInstance, settings: GuardSettings, defaultBoundMs: number): number {
  return backend.inProcess ? 0 : (settings.backendTimeoutMs ?? backend.backendTimeoutMs ?? defaultBoundMs);
}

function asBackendError(error: unknown, label: string, operation: string, key: string | undefined): EasyCacheError {
  if (error instanceof EasyCacheError && !(error instanceof BoundExceeded)) return error;
  return new BackendError(`${label}: backend ${operation} failed for key ${key ?? '-'}: ${messageOf(error)}`, { operation, key, cause: error });
}

/** The error a bound produces; always wrapped in a BackendError before anyone sees it. */
class BoundExceeded extends EasyCacheError {
  constructor(operation: string, ms: number) {
    super('E_CACHE_BACKEND', `${operation} took longer than ${ms} ms`);
  }
}

const queues = new Map<number, DeadlineQueue>();

/** Settles with `promise`, or rejects after `ms`; a late reply changes nothing. `ms` 0 means no bound. */
export function withBound<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  if (!(ms > 0) || ms === Infinity) return promise;
  let queue = queues.get(ms);
  if (!queue) {
    queue = new DeadlineQueue(ms);
    queues.set(ms, queue);
  }
  const deadlines = queue;
  return new Promise<T>((resolve, reject) => {
    const pending = deadlines.add(() => reject(new BoundExceeded(operation, ms)));
    promise.then(
      (value) => {
        pending.settled = true;
        resolve(value);
      },
      (error: unknown) => {
        pending.settled = true;
        reject(error);
      },
    );
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
