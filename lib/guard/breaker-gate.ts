/**
 * Where the guard meets a backend's circuit breaker (SPEC 11.5): calls pass through `gated`,
 * failures are counted by `noteFailure`, and the opening and the closing are each reported once
 * (an event to the function's and the global listeners, `onError` for the opening).
 */
import type { CacheInstance } from '../backends/backend';
import type { CallSettings } from '../compile/compile-plan';
import { BackendError, EasyCacheError } from '../errors';
import { emitEvent, isObserved } from '../observe/events';
import { reportError } from '../observe/report';
import { BoundExceeded } from '../shared/bound';
import { breakerOf, type Admission, type Breaker } from './breaker';

/**
 * The rejection of a call the breaker did not let through. Never reported: the guard turns it
 * into a miss or a skipped write (or, for an invalidation or in strict mode, `breakerOpenError`).
 * One object for every refusal: an outage refuses many calls, and a stack trace each costs.
 */
export const REFUSED: unique symbol = Symbol('refused by the circuit breaker');

/**
 * Runs `run` unless the breaker of `backend` is open; a refusal rejects with `REFUSED` at once.
 * A closed breaker with no recent failure adds nothing to the call: its failures reach
 * `noteFailure` through the guard, and nothing needs to learn of its success.
 */
export function gated<T>(backend: CacheInstance, settings: CallSettings, key: string | undefined, run: () => Promise<T>): Promise<T> {
  const breaker = breakerOf(backend);
  if (breaker === undefined || breaker.quiet) return run();
  const admission = breaker.admit();
  if (admission === 'refuse') return Promise.reject(REFUSED);
  return run().then(
    (value) => {
      answered(breaker, admission, backend, settings, key);
      return value;
    },
    (error: unknown) => {
      if (!isBackendFault(error)) answered(breaker, admission, backend, settings, key);
      // A failed probe reopens here; a failed ordinary call is counted by the guard's `noteFailure`.
      else if (admission === 'probe') breaker.failed(admission, error);
      throw error;
    },
  );
}

/** Counts a failed call of `backend` (given as the guard reported it); the failure that opens the breaker reports the opening. */
export function noteFailure(backend: CacheInstance, settings: CallSettings, operation: string, key: string | undefined, error: unknown): void {
  const breaker = breakerOf(backend);
  if (breaker === undefined || !isOutage(operation, error) || !breaker.failed('pass', error)) return;
  const { label, onError, onEvent } = settings;
  const name = describeBackend(backend);
  const opened = new BackendError(
    `${label}: the circuit breaker of ${name} opened after ${breaker.failuresToOpen} failed calls in a row; calls skip it for ${breaker.openMs} ms, then one call probes it`,
    { operation, key, cause: error, code: 'BREAKER_OPEN' },
  );
  // The breaker is the source: the failure itself was just reported, and the default warning is rate-limited per source.
  reportError(opened, { operation, key, function: label }, onError, breaker);
  if (isObserved(onEvent)) {
    const failure = error instanceof EasyCacheError ? error : opened;
    emitEvent({ type: 'breaker-open', function: label, key, backend: name, failures: breaker.failuresToOpen, openMs: breaker.openMs, error: failure }, onEvent);
  }
}

/** The error of a call the breaker refused, for an invalidation or a strict function. */
export function breakerOpenError(backend: CacheInstance, label: string, operation: string, key: string | undefined): BackendError {
  const breaker = breakerOf(backend);
  const why = breaker ? ` after ${breaker.failuresToOpen} failed calls in a row` : '';
  return new BackendError(`${label}: backend ${operation} not sent for key ${key ?? '-'}: the circuit breaker of ${describeBackend(backend)} is open${why}`, {
    operation,
    key,
    cause: breaker?.cause,
    code: 'BREAKER_OPEN',
  });
}

/** A call was answered (even with data it could not decode): a probe's answer closes the breaker, reported once. */
function answered(breaker: Breaker, admission: Admission, backend: CacheInstance, settings: CallSettings, key: string | undefined): void {
  if (!breaker.succeeded(admission)) return;
  const { label, onEvent } = settings;
  if (isObserved(onEvent)) emitEvent({ type: 'breaker-close', function: label, key, backend: describeBackend(backend), openForMs: breaker.closedAt - breaker.openedAt }, onEvent);
}

/** Whether `error` says the backend failed (not the value's fault, nor the breaker's refusal): what keeps a probe from closing it. */
function isBackendFault(error: unknown): boolean {
  if (error === REFUSED) return false;
  return !(error instanceof EasyCacheError) || error instanceof BackendError || error instanceof BoundExceeded;
}

/**
 * Whether a failed `operation` counts towards opening the breaker: any call cut at its bound, and
 * a failed read. A write or a delete that fails at once was refused by a server that answered
 * (out of memory, a value over its size limit): reads still work, and skipping them would not help.
 */
function isOutage(operation: string, error: unknown): boolean {
  if (error instanceof BoundExceeded || (error instanceof BackendError && error.cause instanceof BoundExceeded)) return true;
  return (operation === 'get' || operation === 'getMany') && isBackendFault(error);
}

/** `RedisCache(prefix shop)`: the backend's class, and its prefix when it shows one. */
function describeBackend(backend: CacheInstance): string {
  const name = (backend.constructor as { name?: string } | undefined)?.name || 'backend';
  const prefix = (backend as { prefix?: unknown }).prefix;
  return typeof prefix === 'string' ? `${name}(prefix ${prefix})` : name;
}
