/**
 * One call of a cached function, in the order it happens: render the key; try the hit path;
 * otherwise read the entry with the versions of the call's tags (one round trip), judge it
 * fresh, stale or gone, and return it, serve it stale while the function runs, or join or start
 * the key's flight.
 */
import type { CacheInstance } from '../backends/backend';
import { clockOf, NOT_FOUND, NOT_HELD } from '../backends/backend';
import { renderFullKey, type CallPlan } from '../compile/compile-plan';
import { SerializationError } from '../errors';
import { boundCut, boundedGet, endsNow, readSync, readsPlainly, sendPlainRead, UNREAD, type PlainRead, type SyncReadable } from '../guard/guard';
import type { Expirable } from '../shared/deadlines';
import { emitEvent, isObserved, type MissReason } from '../observe/events';
import { isEntry, isTimed, type Entry } from '../tags/entry';
import { heldTagState, prefetchTags, tagKeysBefore, tagState, type TagRead } from '../tags/tag-protocol';
import { Call } from './call';
import { joinOrStart, releaseKeyFlight, startFlight } from './flight';
import { AS_IS, hit, nearHit, NO_NEAR_HIT, servesAsIs, verdictOf, type Verdict } from './hit-verdict';
import { checkValue, REFUSED } from './value-check';
import { backOffOnFailure, inBackground, isBackingOff, servedStaleAtOnce, serveStale, staleAtOnce, withHardTimeout } from './stale';

/**
 * Runs a call. The hit of an untagged fresh entry allocates nothing beyond its promise: in
 * process it returns without awaiting anything; remotely it costs one bounded `get` when the
 * function has no tags or prefix. Everything else makes a `Call` and goes through
 * `readThenDecide` or `decide`.
 */
export function runCall(plan: CallPlan, scope: unknown, args: readonly unknown[], renderedKey?: string): Promise<unknown> {
  let key: string;
  let backend: CacheInstance;
  try {
    key = renderedKey ?? renderFullKey(plan, args, scope);
    backend = plan.backend();
  } catch (error) {
    return Promise.reject(error);
  }
  if (backend.getSync !== undefined) {
    // A function with `grace` writes entries that are judged by the clock, and a near cache judges
    // the entry and its tag versions: the clock is read once, and the backend judges expiry by it.
    const readAt = plan.stale === undefined && backend.tiered !== true ? undefined : clockOf(backend)();
    if (backend.peekSync !== undefined) {
      const served = nearHit(plan, backend, key, readAt as number);
      if (served !== NO_NEAR_HIT) return Promise.resolve(served);
    }
    const stored = readSync(backend as SyncReadable, key, readAt);
    // A near cache also holds tag versions: a tagged entry whose versions are all held and current is a hit here too.
    if (isEntry(stored) && stored.n === plan.version && plan.schema === undefined && (stored.t === undefined || (backend.tiered && heldTagState(backend, stored.t, key, readAt as number) === 'valid'))) {
      const now = isTimed(stored) ? (readAt ?? clockOf(backend)()) : 0;
      if (servesAsIs(stored, now)) return Promise.resolve(hit(plan, key, stored.v, backend.tiered ? 'near' : undefined));
      const reason = plan.stale === undefined ? undefined : staleAtOnce(plan, backend, key, stored, now);
      if (reason !== undefined) return Promise.resolve(servedStaleAtOnce(plan, key, stored.v, reason));
    }
    const call = new Call(plan, backend, scope, args, key);
    // A plain miss skips `decide`'s async frame: the flight's promise is returned as it is.
    if (stored === NOT_FOUND) {
      try {
        return miss(call, undefined, undefined);
      } catch (error) {
        // A tag function that throws rejects the call, as everywhere else.
        return Promise.reject(error);
      }
    }
    // A near cache that does not hold the key (or is bypassed) is read through `get`.
    if (stored === UNREAD || stored === NOT_HELD) return readThenDecide(call);
    return decide(call, stored, undefined, undefined, backend.tiered ? 'near' : undefined);
  }
  if (plan.tags === undefined && plan.prefix === undefined) return readUntagged(plan, scope, args, key, backend);
  return readThenDecide(new Call(plan, backend, scope, args, key));
}

/**
 * The common remote case, a function without tags or prefix: one bounded `get`, and a `Call` only
 * when it is not a plain hit or a stale value served at once. Without a breaker to consult or a
 * trace to make (`readsPlainly`), the read bounds itself (`UntaggedRead.start`); otherwise it goes
 * through `boundedGet`, answered alike.
 */
function readUntagged(plan: CallPlan, scope: unknown, args: readonly unknown[], key: string, backend: CacheInstance): Promise<unknown> {
  const read = new UntaggedRead(plan, scope, args, key, backend);
  return readsPlainly(backend) ? read.start() : readGuarded(read);
}

/** `read` through `boundedGet`: behind a breaker that saw failures, or traced. */
async function readGuarded(read: UntaggedRead): Promise<unknown> {
  let stored: unknown;
  try {
    stored = await boundedGet(read.backend, read.plan.settings, read.key, (likely) => read.foresee(likely));
  } catch (error) {
    return read.failed(error);
  }
  return read.answer(stored);
}

/**
 * One untagged read, from the moment it is sent to its answer. A backend that foresees what its
 * read returns (its decode memo, see `CacheInstance.get`) has it judged while the server answers:
 * the reply is then only compared with it. The clock read then is as good as one after the reply:
 * the server reads the entry somewhere between the two.
 *
 * `start` sends it as a `PlainRead` and makes the call's one promise once it has left, settled in
 * the one reaction to the reply (`CacheInstance.readInto`, else `get`'s promise), with no async
 * frame awaiting it: each step between a reply and its caller is code that the wait for the server
 * left cold. A class of its own, not one derived from a base class of the guard's: made before
 * every remote hit is sent, the derived one cost about 1 % of a Redis hit more (benchmarks/README.md,
 * Round 15).
 */
class UntaggedRead implements PlainRead {
  deadline = 0;
  previous: Expirable | undefined = undefined;
  next: Expirable | undefined = undefined;
  ended = false;
  #foreseen: unknown = NOTHING_FORESEEN;
  #early: Verdict | undefined = undefined;
  #resolve!: (value: unknown) => void;
  #reject!: (error: unknown) => void;

  constructor(
    readonly plan: CallPlan,
    readonly scope: unknown,
    readonly args: readonly unknown[],
    readonly key: string,
    readonly backend: CacheInstance,
  ) {}

  /** Judges the value the backend expects its reply to be, as the read leaves. */
  foresee(likely: unknown): void {
    try {
      this.#early = verdictOf(this.plan, this.backend, this.key, likely);
      this.#foreseen = likely;
    } catch {
      // Judged again after the reply, where a throwing clock rejects the call as it always has.
    }
  }

  /** Sends the read; resolves to the call's result. */
  start(): Promise<unknown> {
    sendPlainRead(this.backend, this.plan.settings, this.key, this);
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  receive(outcome: unknown, answered: boolean): void {
    // A backend that hands its outcome over before `readInto` returned (against its contract):
    // the call is answered a microtask later, once its promise exists.
    if (this.#resolve === undefined) {
      queueMicrotask(() => this.receive(outcome, answered));
      return;
    }
    if (!endsNow(this)) return;
    try {
      this.#resolve(answered ? this.answer(outcome) : this.failed(outcome));
    } catch (error) {
      this.#reject(error);
    }
  }

  expire(now: number): void {
    this.receive(boundCut(now), false);
  }

  /** The call's result for the stored data the read returned. */
  answer(stored: unknown): unknown {
    const { plan, backend, key } = this;
    const verdict = stored === this.#foreseen ? this.#early : verdictOf(plan, backend, key, stored);
    if (verdict === AS_IS) return hit(plan, key, (stored as Entry).v);
    if (verdict !== undefined) return servedStaleAtOnce(plan, key, (stored as Entry).v, verdict);
    return decide(new Call(plan, backend, this.scope, this.args, key), stored);
  }

  /** The call's result when the read failed (absorbed as a miss; thrown in strict mode). */
  failed(error: unknown): Promise<unknown> {
    const call = new Call(this.plan, this.backend, this.scope, this.args, this.key);
    return decide(call, call.absorb(error, 'get', this.key, NOT_FOUND));
  }
}

/** What `readUntagged` compares a reply with when its backend foresaw nothing. */
const NOTHING_FORESEEN: unique symbol = Symbol('nothing foreseen');

/** Reads the entry and, over a network, the versions of the tags known before the call in the same round trip. */
async function readThenDecide(call: Call): Promise<unknown> {
  const { plan, backend, key } = call;
  // In process a prefetch saves nothing: the tags are read when an entry needs them.
  const tagKeys = !backend.inProcess && (plan.tags !== undefined || plan.prefix !== undefined) ? tagKeysBefore(plan, call) : undefined;
  const tagRead = tagKeys && tagKeys.length > 0 ? prefetchTags(call, tagKeys) : undefined;
  const entryRead = call.attempt('get', key, () => backend.get(key), NOT_FOUND);
  // Awaited together, so that in strict mode a failure of either is never left unhandled.
  const [stored, prefetched] = await Promise.all([entryRead, tagRead]);
  return decide(call, stored, tagKeys, prefetched);
}

/**
 * Judges `stored` by the versions it carries and the reader's clock: fresh is a hit (maybe
 * starting an eager refresh); stale, for a function with `grace`, is served as SPEC 11.1 says
 * while the function runs; anything else is a miss that joins or starts the key's flight.
 */
async function decide(call: Call, stored: unknown, tagKeys?: readonly string[], prefetched?: TagRead, tier?: 'near'): Promise<unknown> {
  const { plan, key } = call;
  let reason: MissReason | undefined;
  if (isEntry(stored) && stored.n !== plan.version) {
    reason = 'version'; // written under another version: a miss, never served, not even stale
  } else if (isEntry(stored)) {
    const tags = stored.t === undefined ? 'valid' : await tagState(call, stored.t, prefetched);
    const now = clockOf(call.backend)();
    const gone = tags === 'gone' || (stored.g !== undefined && now >= stored.g);
    const stale = !gone && (tags === 'stale' || (stored.f !== undefined && now >= stored.f));
    if (!gone && (!stale || plan.stale !== undefined)) {
      // Only a value about to be served is checked against the schema.
      const value = plan.schema === undefined ? stored.v : await checkValue(call, plan.schema, stored.v, 'cached');
      if (value === REFUSED) reason = 'schema';
      else if (!stale) {
        if (stored.r !== undefined && now >= stored.r) refreshEarly(call, value, tagKeys, prefetched);
        return hit(plan, key, value, tier);
      } else return staleCall(call, value, now, tagKeys, prefetched);
    }
  } else if (stored !== NOT_FOUND) {
    call.reportProblem(new SerializationError(`${plan.label}: the data under key ${key} is not an entry this library wrote; treated as a miss`), 'get', key);
  }
  return miss(call, tagKeys, prefetched, reason);
}

/** A miss: reported, then the call joins or starts the key's flight (bounded by `hardTimeoutMs`). */
function miss(call: Call, tagKeys: readonly string[] | undefined, prefetched: TagRead | undefined, reason?: MissReason): Promise<unknown> {
  const { plan, key } = call;
  const { onEvent } = plan.settings;
  if (isObserved(onEvent)) emitEvent(reason === undefined ? { type: 'miss', function: plan.label, key } : { type: 'miss', function: plan.label, key, reason }, onEvent);
  const flight = joinOrStart(call, tagKeys, prefetched);
  return plan.hardTimeoutMs === undefined ? flight : withHardTimeout(call, flight, plan.hardTimeoutMs);
}

/** A stale entry of a function with `grace`: backing off after a failure, or waiting for the function with the stale value in hand. */
function staleCall(call: Call, stale: unknown, now: number, tagKeys: readonly string[] | undefined, prefetched: TagRead | undefined): Promise<unknown> | unknown {
  if (isBackingOff(call.backend, call.key, now)) {
    const { onEvent, label } = call.plan.settings;
    if (isObserved(onEvent)) emitEvent({ type: 'stale', function: label, key: call.key, reason: 'backoff', error: undefined }, onEvent);
    return stale;
  }
  return serveStale(call, joinOrStart(call, tagKeys, prefetched, { inHand: stale }, backOffOnFailure(call)), stale);
}

/** A fresh hit past `eagerRefresh`: the key's flight starts in the background unless one is under way. */
function refreshEarly(call: Call, value: unknown, tagKeys: readonly string[] | undefined, prefetched: TagRead | undefined): void {
  // With `lock`, the refresh runs in one process: where another holds the lock, it ends with the value in hand.
  inBackground(call, joinOrStart(call, tagKeys, prefetched, { inHand: value }));
}

/** Calls the function now and stores its value; an older computation of the key is fenced off. */
export async function refresh(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  const key = renderFullKey(plan, args, scope);
  const call = new Call(plan, plan.backend(), scope, args, key);
  releaseKeyFlight(call.backend, key, 'hard');
  // A refresh computes whatever the entry holds: it takes no lock (whose second read could skip the function).
  return startFlight(call, tagKeysBefore(plan, call), undefined, 'bypass');
}
