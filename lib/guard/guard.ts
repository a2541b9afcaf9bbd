/**
 * The guard: the only code that awaits a backend. Every backend call of the core goes through a
 * `BackendSession` (bounded, reported, falling back or rethrown in strict mode), or, on the hot
 * path, through `boundedGet` / `readSync`, which allocate nothing for the guard unless they fail.
 */
import { receiveFrom, type BackendTimeout, type CacheInstance, type Foresee, type ReadReceiver } from '../backends/backend';
import type { CallSettings } from '../compile/compile-plan';
import { BackendError, EasyCacheError, SerializationError } from '../errors';
import { backendCallsTraced, traceBackendCall } from '../observe/channels';
import { emitEvent, isObserved } from '../observe/events';
import { reportError } from '../observe/report';
import { DEFAULT_BACKEND_TIMEOUT_MS } from '../shared/default-bound';
import { BoundExceeded, enterBound, exceeded, leaveBound, withBound } from '../shared/bound';
import type { Expirable } from '../shared/deadlines';
import { breakerOf } from './breaker';
import { breakerOpenError, gated, noteFailure, REFUSED } from './breaker-gate';

/** A backend that answers from this process's memory, with `getSync`. */
export type SyncReadable = CacheInstance & { getSync(key: string, now?: number): unknown };

/** What `readSync` returns when the in-process read threw: the full path reads again and reports it. */
export const UNREAD: unique symbol = Symbol('unread');

/** The hot path's read of an in-process backend (at `now` on its clock, when read already): the stored data, or `UNREAD` when the read threw. */
export function readSync(backend: SyncReadable, key: string, now?: number): unknown {
  try {
    return backend.getSync(key, now);
  } catch {
    return UNREAD;
  }
}

/** A backend whose writes can be made without a Promise: see `writesAtOnce`. */
export type SyncWritable = CacheInstance & { setSync(key: string, value: unknown, timeout?: BackendTimeout): void };

/**
 * Whether a write to `backend` can go through `setSync` and `attemptSync`: it answers from this
 * process (no bound, no breaker) and no subscriber traces backend calls (a trace needs a Promise).
 */
export function writesAtOnce(backend: CacheInstance): backend is SyncWritable {
  return backend.setSync !== undefined && backend.inProcess === true && !backendCallsTraced();
}

/**
 * The hot path's remote read: one bounded `get` (its `foresee` passed on); a failure (or the
 * circuit breaker's refusal) is for a session to `absorb`. A closed breaker that saw no failure
 * costs a lookup here, nothing more.
 */
export function boundedGet(backend: CacheInstance, settings: CallSettings, key: string, foresee?: Foresee): Promise<unknown> {
  const breaker = breakerOf(backend);
  if (breaker !== undefined && !breaker.quiet) return gated(backend, settings, key, () => unguardedGet(backend, settings, key, foresee));
  return unguardedGet(backend, settings, key, foresee);
}

/**
 * Whether a read of `backend` needs nothing of `boundedGet` but its bound: no breaker, or a quiet
 * one (closed, no failure since the last success), and no subscriber tracing backend calls. Such a
 * read may be a `PlainRead`; its failure is then absorbed by a session as any other.
 */
export function readsPlainly(backend: CacheInstance): boolean {
  const breaker = breakerOf(backend);
  return (breaker === undefined || breaker.quiet) && !backendCallsTraced();
}

/**
 * A `get` that needs nothing but its bound (`readsPlainly`), for a caller that settles a promise
 * of its own anyway (the hot read, run-call.ts): its outcome reaches `receive` exactly once,
 * whichever comes first of the reply, its failure and the bound's cut (`expire`, which passes
 * `BoundExceeded`, as `boundedGet` rejects). The bound watches the read itself (`enterBound`)
 * instead of wrapping it in a promise of its own.
 */
export interface PlainRead extends Expirable, ReadReceiver {
  /** Set by `endsNow` when the first outcome arrives: a later one changes nothing. */
  ended: boolean;
}

/**
 * Sends `read`, a get of `key`, and watches it with its bound; `read.receive` is never called
 * before this returns. A backend with `readInto` hands the outcome over in the one reaction to its
 * reply; from any other it comes in the one reaction to `get`'s promise.
 */
export function sendPlainRead(backend: CacheInstance, settings: CallSettings, key: string, read: PlainRead): void {
  if (backend.readInto !== undefined) {
    try {
      backend.readInto(key, read);
    } catch (error) {
      queueMicrotask(() => read.receive(error, false));
    }
  } else {
    let reply: Promise<unknown>;
    try {
      reply = backend.get(key, (likely) => read.foresee(likely));
    } catch (error) {
      reply = Promise.reject(error);
    }
    receiveFrom(reply, read);
  }
  enterBound(read, boundOf(backend, settings));
}

/** Whether the outcome `read` is receiving is its first: then it has left its bound. */
export function endsNow(read: PlainRead): boolean {
  if (read.ended) return false;
  read.ended = true;
  leaveBound(read);
  return true;
}

/** What a `PlainRead` whose bound passed receives (`expire`). */
export function boundCut(now: number): BoundExceeded {
  return exceeded(now);
}

function unguardedGet(backend: CacheInstance, settings: CallSettings, key: string, foresee: Foresee | undefined): Promise<unknown> {
  const ms = boundOf(backend, settings);
  return backendCallsTraced()
    ? traceBackendCall(backend, 'get', key, settings.label, () => withBound(backend.get(key, foresee), ms))
    : withBound(backend.get(key, foresee), ms);
}

/**
 * One user call's view of the backend. Until `afterFunction()`, every backend call of the session
 * shares one deadline, one bound after the session began: a caller never waits more than one
 * bound before its function runs. After one backend call fails or times out, the rest of the user
 * call runs without the backend.
 */
export class BackendSession {
  readonly backend: CacheInstance;
  readonly settings: CallSettings;
  #down = false;
  readonly #boundMs: number;
  /** When the calls made before the function runs must be answered by (ms since the epoch); 0 = no deadline. */
  #deadline: number;

  constructor(backend: CacheInstance, settings: CallSettings) {
    this.backend = backend;
    this.settings = settings;
    this.#boundMs = boundOf(backend, settings);
    this.#deadline = this.#boundMs > 0 ? Date.now() + this.#boundMs : 0;
  }

  /** The function has run: later calls (the write) each get a whole bound of their own. */
  afterFunction(): void {
    this.#deadline = 0;
  }

  /** The bound for the next call: the whole bound, or what is left of the session's deadline. */
  #nextBound(): number {
    if (this.#deadline === 0) return this.#boundMs;
    // At least 1 ms, so that an exhausted deadline still times out (0 would mean "no bound").
    return Math.max(1, Math.min(this.#boundMs, this.#deadline - Date.now()));
  }

  /** Whether an earlier call of this session failed. */
  get down(): boolean {
    return this.#down;
  }

  /**
   * Runs a read or write: on failure reports it and resolves to `fallback` (or, in strict mode,
   * rejects with `BackendError`).
   */
  async attempt<T>(operation: string, key: string | undefined, run: () => Promise<T>, fallback: T, explain?: (error: unknown) => unknown): Promise<T> {
    if (this.#down) return fallback;
    try {
      return await gated(this.backend, this.settings, key, () => bounded(this.backend, this.settings.label, operation, key, run, this.#nextBound()));
    } catch (error) {
      // `explain` words a failure in the caller's terms; only failures pay for it.
      return this.absorb(explain && error !== REFUSED ? explain(error) : error, operation, key, fallback);
    }
  }

  /**
   * `attempt` for a call that answers at once (the `setSync` of a backend that `writesAtOnce`): no
   * bound, breaker or trace applies to it, and a failure is absorbed as `attempt` absorbs it.
   */
  attemptSync<T>(operation: string, key: string | undefined, run: () => T, fallback: T, explain?: (error: unknown) => unknown): T {
    if (this.#down) return fallback;
    try {
      return run();
    } catch (error) {
      return this.absorb(explain ? explain(error) : error, operation, key, fallback);
    }
  }

  /**
   * What a failed read or write becomes: reported, then `fallback` (or, in strict mode, a thrown
   * `BackendError`). After a backend failure the session is down.
   */
  absorb<T>(error: unknown, operation: string, key: string | undefined, fallback: T): T {
    // Skipped by the open breaker: not reported (its opening was), and the rest of the call skips the backend too.
    if (error === REFUSED) {
      this.#down = true;
      if (this.settings.strict) throw breakerOpenError(this.backend, this.settings.label, operation, key);
      return fallback;
    }
    // Data that cannot be decoded or encoded is the value's fault, not the backend's: a miss or a skipped write.
    if (error instanceof SerializationError) {
      this.reportProblem(error, operation, key);
      return fallback;
    }
    // Calls sent together may fail together: one report per user call is enough.
    const reported = this.#down ? asBackendError(error, this.backend, this.settings.label, operation, key, this.#boundMs) : this.report(error, operation, key);
    this.#down = true;
    noteFailure(this.backend, this.settings, operation, key, reported);
    if (this.settings.strict) throw reported;
    return fallback;
  }

  /**
   * Runs an invalidation: failures are reported and always reject with `BackendError`; while the
   * breaker is open it rejects at once with code `BREAKER_OPEN` (not reported: the opening was).
   */
  async mustSucceed<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await gated(this.backend, this.settings, key, () => bounded(this.backend, this.settings.label, operation, key, run, this.#boundMs));
    } catch (error) {
      if (error === REFUSED) throw breakerOpenError(this.backend, this.settings.label, operation, key);
      const reported = this.report(error, operation, key);
      noteFailure(this.backend, this.settings, operation, key, reported);
      throw reported;
    }
  }

  /**
   * Reports an error found by the core itself (a bad timeout-function result, say). The default
   * warning is rate-limited per `source`: the backend unless told otherwise.
   */
  reportProblem(error: EasyCacheError, operation: string, key: string | undefined, source: unknown = this.backend): void {
    const { label, onError, onEvent } = this.settings;
    reportError(error, { operation, key, function: label }, onError, source);
    if (isObserved(onEvent)) emitEvent({ type: 'backend-error', function: label, key, error }, onEvent);
  }

  private report(error: unknown, operation: string, key: string | undefined): EasyCacheError {
    const wrapped = asBackendError(error, this.backend, this.settings.label, operation, key, this.#boundMs);
    this.reportProblem(wrapped, operation, key);
    return wrapped;
  }
}

/** `run()` within `ms` ms (0: unbounded), traced on `easy-cache:backend` when that channel has subscribers. */
function bounded<T>(backend: CacheInstance, label: string, operation: string, key: string | undefined, run: () => Promise<T>, ms: number): Promise<T> {
  if (!backendCallsTraced()) return withBound(run(), ms);
  return traceBackendCall(backend, operation, key, label, () => withBound(run(), ms));
}

/** The bound on one call of `backend` for a function: its own, else the backend's, else the default; none in process. */
function boundOf(backend: CacheInstance, settings: CallSettings): number {
  return backend.inProcess ? 0 : (settings.backendTimeoutMs ?? backend.backendTimeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS);
}

function asBackendError(error: unknown, backend: CacheInstance, label: string, operation: string, key: string | undefined, boundMs: number): EasyCacheError {
  if (error instanceof EasyCacheError && !(error instanceof BoundExceeded)) return error;
  const why = error instanceof BoundExceeded ? noAnswer(backend, boundMs) : messageOf(error);
  return new BackendError(`${label}: backend ${operation} failed for key ${key ?? '-'}: ${why}`, { operation, key, cause: error });
}

/** A call past its bound, with the backend's connection error leading when it has one: the likely cause. */
function noAnswer(backend: CacheInstance, boundMs: number): string {
  const problem = backend.connectionProblem;
  return problem === undefined ? `no answer within ${boundMs} ms` : `${problem} (no answer within ${boundMs} ms)`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
