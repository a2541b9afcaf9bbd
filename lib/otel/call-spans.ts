/**
 * Spans from the channels. A call's span is created once the call is known not to be a plain
 * hit (a nested cached call, or its end with another outcome), with the time the call started,
 * so that hits cost no span unless asked for. Backend calls made inside a call's async context
 * become its child spans: at once when the call's span exists, else when it is created.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { BackendCallMessage, CallMessage } from '../index';
import {
  ATTR_BACKEND,
  ATTR_DB_OPERATION,
  ATTR_DB_SYSTEM,
  ATTR_ERROR_TYPE,
  ATTR_FUNCTION,
  ATTR_KEY,
  ATTR_OPERATION,
  ATTR_OUTCOME,
  ATTR_STALE_REASON,
  backendSpanName,
  callSpanName,
  dbSystemOf,
  errorTypeOf,
} from './names';

/** Epoch milliseconds with sub-millisecond precision, the clock of every span and duration here. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** One traced call, from its `start` to its `asyncEnd`. */
interface TracedCall {
  readonly message: CallMessage;
  readonly startedAt: number;
  /** The context the span is a child of: the caller's active context, or the enclosing cached call's span. */
  readonly parent: Context;
  span: Span | undefined;
  ended: boolean;
  /** Backend calls that ended before the span existed; they become its children when it is created. Made on the first one. */
  earlier: { readonly message: BackendCallMessage; readonly startedAt: number; readonly endedAt: number }[] | undefined;
}

/** One backend call, from its `start` to its `asyncEnd`. */
interface TracedBackendCall {
  readonly owner: TracedCall | undefined;
  readonly startedAt: number;
  span: Span | undefined;
}

/** How spans are made: the tracer and what they may carry. */
export interface SpanSettings {
  readonly tracer: Tracer;
  readonly includeKeys: boolean;
  readonly hits: boolean;
}

/** Keeps the spans of calls and backend calls; one per instrumentation. */
export class CallSpans {
  /** The call whose async context code runs in: bound to `easy-cache:call` `start`. */
  readonly store = new AsyncLocalStorage<TracedCall>();
  readonly #settings: SpanSettings;
  readonly #backendCalls = new WeakMap<BackendCallMessage, TracedBackendCall>();
  /** Calls whose span is open, ended by `close()` if the instrumentation stops first. */
  readonly #open = new Set<TracedCall>();

  constructor(settings: SpanSettings) {
    this.#settings = settings;
  }

  /** `start` of a call (the store's transform): notes when, and under which parent. */
  callStarted(message: CallMessage): TracedCall {
    const enclosing = this.store.getStore();
    // A cached call made while another one runs its function: the other one is not a plain hit.
    if (enclosing !== undefined && !enclosing.ended) this.#startSpan(enclosing);
    const active = context.active();
    const parent = enclosing?.span !== undefined ? trace.setSpan(active, enclosing.span) : active;
    return { message, startedAt: now(), parent, span: undefined, ended: false, earlier: undefined };
  }

  /**
   * `asyncEnd` of a call: the span, if any, gets the outcome and ends. Returns the call's duration
   * in ms. The TracingChannel publishes `asyncEnd` from a callback registered inside the call's
   * `start` context, so the store holds this very call.
   */
  callEnded(message: CallMessage): number | undefined {
    const call = this.store.getStore();
    if (call === undefined || call.message !== message || call.ended) return undefined;
    const endedAt = now();
    call.ended = true;
    const outcome = message.outcome ?? 'miss';
    if (call.span === undefined && (outcome !== 'hit' || this.#settings.hits)) this.#startSpan(call);
    const span = call.span;
    if (span !== undefined) {
      span.setAttribute(ATTR_OUTCOME, outcome);
      if (message.staleReason !== undefined) span.setAttribute(ATTR_STALE_REASON, message.staleReason);
      if (outcome === 'error') failed(span, message.error, false);
      span.end(endedAt);
      this.#open.delete(call);
    }
    call.earlier = undefined;
    return endedAt - call.startedAt;
  }

  /** `start` of a backend call: a child span at once when the enclosing call has one. */
  backendStarted(message: BackendCallMessage): void {
    const owner = this.store.getStore();
    const startedAt = now();
    const span = owner?.span !== undefined ? this.#backendSpan(message, owner, startedAt) : undefined;
    this.#backendCalls.set(message, { owner, startedAt, span });
  }

  /** `asyncEnd` of a backend call: its span ends, or it waits for its call's span. */
  backendEnded(message: BackendCallMessage): void {
    const traced = this.#backendCalls.get(message);
    if (traced === undefined) return;
    this.#backendCalls.delete(message);
    const endedAt = now();
    const { owner, startedAt } = traced;
    let span = traced.span;
    if (span === undefined && owner?.span !== undefined) span = this.#backendSpan(message, owner, startedAt);
    if (span !== undefined) endBackendSpan(span, message, endedAt);
    else if (owner !== undefined && !owner.ended) (owner.earlier ??= []).push({ message, startedAt, endedAt });
  }

  /** Ends the spans of calls still running (the instrumentation stops). */
  close(): void {
    const endedAt = now();
    for (const call of this.#open) {
      call.ended = true;
      call.span?.end(endedAt);
    }
    this.#open.clear();
  }

  /** Creates the call's span if it has none, with the backend calls it made so far as children. */
  #startSpan(call: TracedCall): void {
    if (call.span !== undefined) return;
    const { message } = call;
    const attributes: Attributes = { [ATTR_FUNCTION]: message.function };
    if (this.#settings.includeKeys && message.key !== undefined) attributes[ATTR_KEY] = message.key;
    call.span = this.#settings.tracer.startSpan(callSpanName(message.function), { kind: SpanKind.INTERNAL, startTime: call.startedAt, attributes }, call.parent);
    this.#open.add(call);
    for (const earlier of call.earlier ?? []) endBackendSpan(this.#backendSpan(earlier.message, call, earlier.startedAt), earlier.message, earlier.endedAt);
    call.earlier = undefined;
  }

  #backendSpan(message: BackendCallMessage, owner: TracedCall, startedAt: number): Span {
    const attributes: Attributes = { [ATTR_BACKEND]: message.backend, [ATTR_OPERATION]: message.operation, [ATTR_DB_OPERATION]: message.operation };
    const system = dbSystemOf(message.backend);
    if (system !== undefined) attributes[ATTR_DB_SYSTEM] = system;
    if (this.#settings.includeKeys && message.key !== undefined) attributes[ATTR_KEY] = message.key;
    const parent = trace.setSpan(owner.parent, owner.span as Span);
    const kind = message.inProcess ? SpanKind.INTERNAL : SpanKind.CLIENT;
    return this.#settings.tracer.startSpan(backendSpanName(message.operation, message.backend), { kind, startTime: startedAt, attributes }, parent);
  }
}

function endBackendSpan(span: Span, message: BackendCallMessage, endedAt: number): void {
  if ('error' in message) failed(span, message.error, message.timedOut);
  span.end(endedAt);
}

/** Marks `span` as failed with `error`, in the conventions' way: status, `error.type`, an exception event. */
function failed(span: Span, error: unknown, timedOut: boolean): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error, timedOut));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  if (error instanceof Error) span.recordException(error);
}
