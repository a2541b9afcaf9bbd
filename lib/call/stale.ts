/**
 * Waiting for the function with a stale value in hand (SPEC 11.1): the caller gets the function's
 * value, or the stale one when the function fails (fail-safe), passes `softTimeoutMs` or
 * `hardTimeoutMs`, or is backing off after a recent failure; and a miss without a stale value
 * that passes `hardTimeoutMs` rejects with `FunctionTimeoutError`. The function is never stopped:
 * its flight goes on, its value is stored when it arrives (unless fenced) and its error is reported.
 */
import { clockOf, type CacheInstance } from '../backends/backend';
import { FunctionError, FunctionTimeoutError } from '../errors';
import { emitEvent, isObserved, type StaleReason } from '../observe/events';
import { reportError } from '../observe/report';
import { timerDelay } from '../shared/timer-limit';
import type { CallPlan } from '../compile/compile-plan';
import type { Entry } from '../tags/entry';
import type { Call } from './call';
import { flightsOf } from './flight';

const TIMED_OUT: unique symbol = Symbol('timed out');

type Settled = { readonly value: unknown } | { readonly error: unknown } | typeof TIMED_OUT;

/**
 * What stale serving keeps per backend: the keys whose function failed with a stale value in
 * hand, and until when (ms) their stale value is served without calling it again; and the
 * backend's flights (owned by flight.ts), so that a stale hit finds both with one lookup.
 */
interface StaleState {
  readonly backoffs: Map<string, number>;
  readonly flights: ReadonlyMap<string, unknown>;
}

const stateByBackend = new WeakMap<CacheInstance, StaleState>();

// The backend of the last lookup, and its state: a stale hit compares one reference instead of a
// WeakMap lookup (a third of what a stale hit costs beyond a fresh one). Both are replaced by the
// next backend looked up, so a closed backend is held only until then.
let lastBackend: CacheInstance | undefined;
let lastState: StaleState | undefined;

function stateOf(backend: CacheInstance): StaleState {
  if (backend === lastBackend) return lastState as StaleState;
  let state = stateByBackend.get(backend);
  if (state === undefined) {
    state = { backoffs: new Map(), flights: flightsOf(backend) };
    stateByBackend.set(backend, state);
  }
  lastBackend = backend;
  lastState = state;
  return state;
}

/** Whether `key` backs off after a recent failure: its stale value is then served without calling the function. */
export function isBackingOff(backend: CacheInstance, key: string, now: number): boolean {
  return backsOff(stateOf(backend).backoffs, key, now);
}

function backsOff(backoffs: Map<string, number>, key: string, now: number): boolean {
  const until = backoffs.get(key);
  if (until === undefined) return false;
  if (until > now) return true;
  backoffs.delete(key);
  return false;
}

/**
 * The hot path of stale serving: why a stale `entry` is returned at once at `now` with nothing to
 * start (its key backs off, or it is stale-while-revalidate and its refresh already runs), else
 * `undefined`. Publishes nothing (see `servedStaleAtOnce`); no `Call` is made for it.
 */
export function staleAtOnce(plan: CallPlan, backend: CacheInstance, key: string, entry: Entry, now: number): StaleReason | undefined {
  if (entry.f === undefined || now < entry.f || (entry.g !== undefined && now >= entry.g)) return undefined;
  const { backoffs, flights } = stateOf(backend);
  // With no key backing off (the common case) only the refresh under way is looked up; a key
  // backing off has no refresh running as a rule, so its backoff is looked up first.
  if (backoffs.size !== 0 && backsOff(backoffs, key, now)) return 'backoff';
  return plan.stale?.softTimeoutMs === 0 && flights.has(key) ? 'swr' : undefined;
}

/** `stale`, returned at once for `reason` (what `staleAtOnce` said): the `stale` event is published. */
export function servedStaleAtOnce(plan: CallPlan, key: string, stale: unknown, reason: StaleReason): unknown {
  const { onEvent, label } = plan.settings;
  if (isObserved(onEvent)) emitEvent({ type: 'stale', function: label, key, reason, error: undefined }, onEvent);
  return stale;
}

/** The caller's share of `flight` when a stale value exists: the fresh value, or `stale` as soon as SPEC 11.1 says so. */
export async function serveStale(call: Call, flight: Promise<unknown>, stale: unknown): Promise<unknown> {
  const plan = call.plan;
  const softMs = plan.stale?.softTimeoutMs;
  const hardMs = plan.hardTimeoutMs;
  const waitMs = Math.min(softMs ?? Infinity, hardMs ?? Infinity);
  if (waitMs === 0) return served(call, flight, stale, 'swr');
  const settled = await within(flight, waitMs);
  if (settled === TIMED_OUT) {
    if (softMs !== undefined && softMs === waitMs) return served(call, flight, stale, 'soft-timeout');
    backOff(call, clockOf(call.backend)());
    return served(call, flight, stale, 'hard-timeout', hardTimedOut(call, flight, waitMs));
  }
  if ('value' in settled) return settled.value;
  // The key backs off already: the flight did it as it failed (`backOffOnFailure`).
  report(call, settled.error);
  published(call, 'error', settled.error);
  return stale;
}

/** A miss without a stale value: the flight's result, or `FunctionTimeoutError` once `hardTimeoutMs` passes. */
export async function withHardTimeout(call: Call, flight: Promise<unknown>, hardMs: number): Promise<unknown> {
  const settled = await within(flight, hardMs);
  if (settled === TIMED_OUT) {
    inBackground(call, flight);
    throw functionTimeout(call, hardMs, ', and there is no stale value to return; it goes on in the background');
  }
  if ('value' in settled) return settled.value;
  throw settled.error;
}

// The flights already watched in the background: one handler per flight, however many callers
// were served while it runs (a handler per call kept each caller's objects alive until the flight
// settled).
const watched = new WeakSet<Promise<unknown>>();

/**
 * Lets `flight` finish in the background: its errors are reported, never thrown. (A flight that
 * a stale value stands in for backs its key off by itself as it fails: `backOffOnFailure`.)
 */
export function inBackground(call: Call, flight: Promise<unknown>): void {
  if (watched.has(flight)) return;
  watched.add(flight);
  flight.then(undefined, (error: unknown) => report(call, error));
}

function served(call: Call, flight: Promise<unknown>, stale: unknown, reason: StaleReason, error?: FunctionTimeoutError): unknown {
  inBackground(call, flight);
  published(call, reason, error);
  return stale;
}

// Callers that share one flight each wait on a timer of their own: the flight's hard timeout is reported once.
const timeoutsReported = new WeakSet<Promise<unknown>>();

/** The error of a hard timeout that a stale value hid from its caller: reported (`onError`) once per flight, and published with the `stale` event. */
function hardTimedOut(call: Call, flight: Promise<unknown>, hardMs: number): FunctionTimeoutError {
  const { label, onError } = call.plan.settings;
  const error = functionTimeout(call, hardMs, '; the stale value was returned, and the function goes on in the background');
  if (!timeoutsReported.has(flight)) {
    timeoutsReported.add(flight);
    reportError(error, { operation: 'function', key: call.key, function: label }, onError, call.backend);
  }
  return error;
}

/** The `FunctionTimeoutError` of `call` past `hardMs`; `then` says what became of the call. */
function functionTimeout(call: Call, hardMs: number, then: string): FunctionTimeoutError {
  return new FunctionTimeoutError(`${call.plan.settings.label}: the function did not settle within ${hardMs} ms (hardTimeoutMs) for key ${call.key}${then}`, {
    key: call.key,
    timeoutMs: hardMs,
  });
}

/**
 * What a flight that a stale value stands in for runs when it fails (`joinOrStart`'s
 * `onFailure`): the key backs off, before the flight leaves it. `undefined` without `graceBackoff`.
 */
export function backOffOnFailure(call: Call): (() => void) | undefined {
  return call.plan.stale?.graceBackoffMs === undefined ? undefined : () => backOff(call, clockOf(call.backend)());
}

function backOff(call: Call, now: number): void {
  const backoffMs = call.plan.stale?.graceBackoffMs;
  if (backoffMs === undefined) return;
  const { backoffs } = stateOf(call.backend);
  // Keys that failed once and were never read again would stay; past this size they are let go.
  if (backoffs.size >= MAX_BACKOFFS) backoffs.clear();
  backoffs.set(call.key, now + backoffMs);
}

const MAX_BACKOFFS = 10_000;

// Callers that share one flight see its one error: it is reported once.
const reported = new WeakSet<object>();

function report(call: Call, error: unknown): void {
  if (typeof error === 'object' && error !== null) {
    if (reported.has(error)) return;
    reported.add(error);
  }
  const { label, onError } = call.plan.settings;
  const message = error instanceof Error ? error.message : String(error);
  const failure = new FunctionError(`${label}: the function failed for key ${call.key}: ${message}`, { key: call.key, cause: error });
  reportError(failure, { operation: 'function', key: call.key, function: label }, onError, call.backend);
}

function published(call: Call, reason: StaleReason, error: unknown): void {
  const { onEvent, label } = call.plan.settings;
  if (isObserved(onEvent)) emitEvent({ type: 'stale', function: label, key: call.key, reason, error }, onEvent);
}

/** `promise` settled, or TIMED_OUT after `ms` (never, for an infinite `ms`); never rejects. */
function within(promise: Promise<unknown>, ms: number): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms) ? setTimeout(() => resolve(TIMED_OUT), timerDelay(ms)) : undefined;
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ error });
      },
    );
  });
}
