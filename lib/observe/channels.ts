/**
 * The `node:diagnostics_channel` channels easy-cache publishes on (SPEC 11.7): a TracingChannel
 * around every call of a cached function, one around every guarded backend call, and a plain
 * channel carrying every event. Nothing is built unless a channel has a subscriber.
 */
import { channel, tracingChannel, type Channel, type TracingChannel } from 'node:diagnostics_channel';
import type { CacheInstance } from '../backends/backend';
import { BoundExceeded } from '../shared/bound';

/** The TracingChannel around every call of a cached function; its messages are `CallMessage`s. */
export const CALL_CHANNEL = 'easy-cache:call';
/** The channel that carries every event `onEvent` receives (a `CacheEvent`). */
export const EVENT_CHANNEL = 'easy-cache:event';
/** The TracingChannel around every backend call the core makes (bounded by the guard); its messages are `BackendCallMessage`s. */
export const BACKEND_CHANNEL = 'easy-cache:backend';

/** What the call of a cached function found: a fresh value, a stale one, the function's value, or an error. */
export type CallOutcome = 'hit' | 'stale' | 'miss' | 'error';

/** The message of one traced call on `easy-cache:call`: the same object from `start` to `asyncEnd`. */
export interface CallMessage {
  /** The cached function's label, as events name it: `cached(getUser)`, `cachedMethod(Shelf.books)`. */
  readonly function: string;
  /** The call's full key; `undefined` when its arguments could not make one (the call then fails). */
  readonly key: string | undefined;
  /**
   * Set before `asyncEnd` (and `error`): `hit` (a fresh cached value), `stale` (a stale value,
   * SPEC 11.1), `miss` (the function's value, computed or joined), or `error` (the call rejected).
   * `undefined` at `start`; a memory hit sets it before `end`.
   */
  outcome: CallOutcome | undefined;
  /** For outcome `stale`: why the stale value was returned (`error`, `soft-timeout`, `hard-timeout`, `backoff`, `swr`). */
  staleReason: string | undefined;
  /** What the call rejected with (set by the TracingChannel). */
  error?: unknown;
  /** What the call resolved to (set by the TracingChannel). */
  result?: unknown;
}

/** The message of one backend call on `easy-cache:backend`. */
export interface BackendCallMessage {
  /** The backend's class name: `RedisCache`, `MemcachedCache`, `MemoryCache`, or a custom backend's. */
  readonly backend: string;
  /** Whether the backend answers from this process's memory. */
  readonly inProcess: boolean;
  /** The operation: `get`, `getMany`, `set`, `setMany`, `add`, `delete`, ... */
  readonly operation: string;
  /** The key involved (for an operation on several keys, the first one or the call's key). */
  readonly key: string | undefined;
  /** The label of the cached function (or of the invalidation) that made the call. */
  readonly function: string;
  /** Set when the call failed because the backend did not answer within its bound. */
  timedOut: boolean;
  /** What the call rejected with (set by the TracingChannel). */
  error?: unknown;
}

const calls: TracingChannel<unknown, CallMessage> = tracingChannel(CALL_CHANNEL);
const backendCalls: TracingChannel<unknown, BackendCallMessage> = tracingChannel(BACKEND_CHANNEL);
const events = channel(EVENT_CHANNEL);

/** The channel objects easy-cache publishes on: see `easyCacheChannels`. */
export interface EasyCacheChannels {
  /** `easy-cache:call` (`CALL_CHANNEL`). */
  readonly call: TracingChannel<unknown, CallMessage>;
  /** `easy-cache:backend` (`BACKEND_CHANNEL`). */
  readonly backend: TracingChannel<unknown, BackendCallMessage>;
  /** `easy-cache:event` (`EVENT_CHANNEL`). */
  readonly event: Channel;
}

const published: EasyCacheChannels = { call: calls, backend: backendCalls, event: events };

/**
 * The channel objects this copy of easy-cache publishes on, for a subscriber that can import it.
 * Subscribing by name reaches them too, except on Node versions where a channel that died can
 * unregister a newer one of the same name (nodejs/node#59910, in Node 20): where modules are
 * loaded again in one process (test runners), a lookup by name may then return an object nobody
 * publishes on. These are the objects themselves.
 * @example
 * easyCacheChannels().call.asyncEnd.subscribe((message) => console.log((message as CallMessage).outcome));
 */
export function easyCacheChannels(): EasyCacheChannels {
  return published;
}

/** Whether any of a TracingChannel's five channels has a subscriber (`TracingChannel.hasSubscribers`, which Node 20 before 20.13 lacks). */
function traced(tracing: TracingChannel<unknown, object>): boolean {
  return (
    tracing.start.hasSubscribers || tracing.end.hasSubscribers || tracing.asyncStart.hasSubscribers || tracing.asyncEnd.hasSubscribers || tracing.error.hasSubscribers
  );
}

/** Whether calls of cached functions are traced: the only check the hit path makes. */
export function callsTraced(): boolean {
  return traced(calls);
}

/** Runs `run` as a traced call: `start`, `end`, then `asyncStart` / `asyncEnd` (after `error` if it rejects). */
export function traceCall(message: CallMessage, run: () => Promise<unknown>): Promise<unknown> {
  return calls.tracePromise(run, message);
}

/** Whether `easy-cache:event` has a subscriber. */
export function eventsPublished(): boolean {
  return events.hasSubscribers;
}

/** Publishes `event` (a `CacheEvent`) on `easy-cache:event`; a subscriber that throws does not throw here (Node rethrows it on the next tick). */
export function publishEvent(event: object): void {
  events.publish(event);
}

/** Whether backend calls are traced. */
export function backendCallsTraced(): boolean {
  return traced(backendCalls);
}

/** Runs one bounded backend call as a traced call; a bound that ran out is marked `timedOut`. */
export function traceBackendCall<T>(backend: CacheInstance, operation: string, key: string | undefined, label: string, run: () => Promise<T>): Promise<T> {
  const message: BackendCallMessage = { backend: backend.constructor.name, inProcess: backend.inProcess === true, operation, key, function: label, timedOut: false };
  return backendCalls.tracePromise(
    () =>
      run().catch((error: unknown) => {
        message.timedOut = error instanceof BoundExceeded;
        throw error;
      }),
    message,
  );
}
