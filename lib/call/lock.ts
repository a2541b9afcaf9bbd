/**
 * The lock of a key across processes (SPEC 11.4), whole: a flight takes it with `add` of a random
 * token (expiring after `ttlMs`), reads the entry and its tag versions again (one round trip), and
 * computes only if the entry is still missing or stale; the owner releases it after the write with
 * `deleteIfEquals`, so an owner whose lock expired never removes the next owner's. A flight that
 * finds the lock taken polls the entry and the lock with backoff: it returns the value another
 * process wrote, takes the lock when it is released without a value, or, after `waitMs`, computes
 * without it. Every lock operation is bounded (a backend session) and fails open: the function
 * runs. Fencing is unchanged: the entry carries the tag versions read after the lock was taken,
 * and a waiter serves only an entry whose versions are current.
 */
import { randomUUID } from 'node:crypto';
import { clockOf } from '../backends/backend';
import type { LockPlan } from '../compile/lock-plan';
import { emitEvent, isObserved, type LockEvent, type LockGiveUpReason } from '../observe/events';
import { timerDelay } from '../shared/timer-limit';
import { isEntry } from '../tags/entry';
import { tagState, versionKeysOf, type TagRead } from '../tags/tag-protocol';
import { Call } from './call';
import { checkValue, REFUSED } from './value-check';

/** Starts the stored key of every lock: `lock:` + the entry's key. */
export const LOCK_KEY_PREFIX = 'lock:';

/**
 * How a flight uses the lock: `bypass` (a forced refresh computes whatever the entry holds), or
 * the value it already has in hand (a stale one, or the fresh one an eager refresh replaces),
 * which it returns rather than wait when another process holds the lock.
 */
export type LockUse = 'bypass' | { readonly inHand: unknown } | undefined;

/** Runs the function and writes its value with `session`; `read` holds the tag versions read after the lock was taken. */
export type Compute = (session: Call, read: TagRead | undefined) => Promise<unknown>;

// Polls start fast (a computation that ends soon is seen soon) and back off to spare the server.
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 200;

/** What a failed lock operation resolves to. */
const UNANSWERED: unique symbol = Symbol('unanswered');
/** What `usableValue` returns for an entry that must not be served. */
const NONE: unique symbol = Symbol('none');

/** The flight of `call.key` under the lock: the function runs in one process, the others get its value. */
export async function underLock(call: Call, tagKeys: readonly string[], lock: LockPlan, use: LockUse, compute: Compute): Promise<unknown> {
  const lockKey = LOCK_KEY_PREFIX + call.key;
  const token = randomUUID();
  const started = Date.now();
  const versionKeys = versionKeysOf(tagKeys);
  let session = call;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const { backend } = session;
    const taken = await session.attempt<boolean | typeof UNANSWERED>('add', lockKey, () => backend.add(lockKey, token, lock.ttlMs / 1000), UNANSWERED);
    // The failed session is down: the function runs without another wait for the backend.
    if (taken === UNANSWERED) return givenUp(session, started, 'backend-error', () => compute(session, undefined));
    if (taken) return owned(session, lockKey, token, versionKeys, started, compute);
    if (use !== undefined && use !== 'bypass') return givenUp(session, started, 'value-in-hand', () => Promise.resolve(use.inHand));
    for (;;) {
      const left = started + lock.waitMs - Date.now();
      if (left <= 0) {
        const fresh = renewed(call);
        return givenUp(fresh, started, 'wait-ms', () => compute(fresh, undefined));
      }
      await pause(Math.min(delay, left));
      delay = Math.min(delay * 2, MAX_POLL_MS);
      // Each poll gets a whole bound: the wait is longer than the one bound before the function.
      const poll = renewed(call);
      const seen = await poll.attempt<Map<string, unknown> | typeof UNANSWERED>('getMany', call.key, () => poll.backend.getMany([call.key, lockKey, ...versionKeys]), UNANSWERED);
      if (seen === UNANSWERED) return givenUp(poll, started, 'backend-error', () => compute(poll, undefined));
      const value = await usableValue(poll, seen.get(call.key), { keys: versionKeys, found: seen });
      if (value !== NONE) {
        report(call, 'waited', started);
        return value;
      }
      // Released without a value we may serve (the owner failed, or was fenced): try to take it.
      if (!seen.has(lockKey)) {
        session = poll;
        break;
      }
    }
  }
}

/** This flight holds the lock: the second read, the function if still needed, then the release, however it ends. */
async function owned(session: Call, lockKey: string, token: string, versionKeys: readonly string[], started: number, compute: Compute): Promise<unknown> {
  report(session, 'taken', started);
  try {
    const { backend, key } = session;
    // Read after the lock was taken: a value written before the previous owner released it is seen.
    const seen = await session.attempt<Map<string, unknown> | typeof UNANSWERED>('getMany', key, () => backend.getMany([key, ...versionKeys]), UNANSWERED);
    if (seen === UNANSWERED) return await compute(session, undefined);
    const read = { keys: versionKeys, found: seen };
    const value = await usableValue(session, seen.get(key), read);
    if (value !== NONE) return value;
    return await compute(session, versionKeys.length > 0 ? read : undefined);
  } finally {
    const release = session.backend.deleteIfEquals?.bind(session.backend);
    // Without compare-and-delete the lock expires after ttlMs.
    if (release) await session.attempt('deleteIfEquals', lockKey, () => release(lockKey, token), false);
  }
}

/**
 * The value of `stored` if it may be served as a fresh hit: an entry of this version, fresh, not
 * due for an eager refresh, its tag versions current (those of `read`, or read now), passing the
 * schema. Anything else is `NONE`.
 */
async function usableValue(session: Call, stored: unknown, read: TagRead): Promise<unknown> {
  const { plan } = session;
  if (!isEntry(stored) || stored.n !== plan.version) return NONE;
  const now = clockOf(session.backend)();
  if ((stored.f !== undefined && now >= stored.f) || (stored.r !== undefined && now >= stored.r)) return NONE;
  if (stored.t !== undefined && (await tagState(session, stored.t, read)) !== 'valid') return NONE;
  if (plan.schema === undefined) return stored.v;
  const value = await checkValue(session, plan.schema, stored.v, 'cached');
  return value === REFUSED ? NONE : value;
}

/** Goes on without the lock: reported, then `next`. */
function givenUp(session: Call, started: number, reason: LockGiveUpReason, next: () => Promise<unknown>): Promise<unknown> {
  report(session, 'given-up', started, reason);
  return next();
}

/** A session of its own for the same call: a whole bound again, and not down. */
function renewed(call: Call): Call {
  return new Call(call.plan, call.backend, call.scope, call.args, call.key);
}

function report(call: Call, outcome: LockEvent['outcome'], started: number, reason?: LockGiveUpReason): void {
  const { onEvent, label } = call.plan.settings;
  if (!isObserved(onEvent)) return;
  const waitedMs = Date.now() - started;
  emitEvent(reason === undefined ? { type: 'lock', function: label, key: call.key, outcome, waitedMs } : { type: 'lock', function: label, key: call.key, outcome, waitedMs, reason }, onEvent);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, timerDelay(ms)));
}
