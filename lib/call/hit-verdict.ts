/**
 * What stored data is worth to an untagged call without reading further: a plain hit (fresh, not
 * due for an eager refresh), a stale value served at once, or neither; and a near cache's plain
 * hit. The judging that run-call.ts does on its hot paths, before any `Call` is made.
 */
import type { CacheInstance } from '../backends/backend';
import { clockOf } from '../backends/backend';
import type { CallPlan } from '../compile/compile-plan';
import { emitEvent, isObserved, type StaleReason } from '../observe/events';
import { isEntry, isTimed, type Entry } from '../tags/entry';
import { heldTagState } from '../tags/tag-protocol';
import { staleAtOnce } from './stale';

/** What `nearHit` returns when the near cache cannot answer with a plain hit. */
export const NO_NEAR_HIT: unique symbol = Symbol('no near hit');

/**
 * A plain hit from a near cache, judged at `now`: the entry is read as the near cache holds it
 * (`peekSync`, no copy), and only the value handed out is copied (`copyOut`), never the entry and
 * its tag versions. Anything else (stale, a miss, not held) is `NO_NEAR_HIT`: `runCall` reads the
 * entry again the usual way, as a copy, since it may hand it out or keep it.
 */
export function nearHit(plan: CallPlan, backend: CacheInstance, key: string, now: number): unknown {
  let held: unknown;
  try {
    held = backend.peekSync?.(key, now);
  } catch {
    return NO_NEAR_HIT;
  }
  if (typeof held !== 'object' || held === null) return NO_NEAR_HIT;
  // Tags noted current were noted of this very object, checked as an entry then; nothing held changed since.
  const noted = backend.tagsHeldCurrent?.(key, now) === true;
  if (!noted && !isEntry(held)) return NO_NEAR_HIT;
  const entry = held as Entry;
  if (entry.n !== plan.version || plan.schema !== undefined || !servesAsIs(entry, now)) return NO_NEAR_HIT;
  if (!noted && entry.t !== undefined && heldTagState(backend, entry.t, key, now) !== 'valid') return NO_NEAR_HIT;
  const value = backend.copyOut === undefined ? entry.v : backend.copyOut(entry.v);
  return hit(plan, key, value, 'near');
}

/** Whether an untagged entry is a plain hit at `now`: (if it records times) fresh and not due for an eager refresh. */
export function servesAsIs(entry: Entry, now: number): boolean {
  return (entry.f === undefined || now < entry.f) && (entry.r === undefined || now < entry.r);
}

/** A verdict of `verdictOf`: the entry is a plain hit. */
export const AS_IS: unique symbol = Symbol('served as is');

/** How `readUntagged` answers stored data: `AS_IS`, a stale value served at once (why), or `undefined` (`decide` judges it). */
export type Verdict = typeof AS_IS | StaleReason;

/** The verdict on untagged stored data, judged now: a plain hit, a stale value served at once, or `undefined`. */
export function verdictOf(plan: CallPlan, backend: CacheInstance, key: string, stored: unknown): Verdict | undefined {
  if (!isEntry(stored) || stored.t !== undefined || stored.n !== plan.version || plan.schema !== undefined) return undefined;
  const now = isTimed(stored) ? clockOf(backend)() : 0;
  if (servesAsIs(stored, now)) return AS_IS;
  return plan.stale === undefined ? undefined : staleAtOnce(plan, backend, key, stored, now);
}

/** `value`, served as a hit (published as one when observed). */
export function hit(plan: CallPlan, key: string, value: unknown, tier?: 'near'): unknown {
  const { onEvent } = plan.settings;
  if (isObserved(onEvent)) emitEvent(tier === undefined ? { type: 'hit', function: plan.label, key } : { type: 'hit', function: plan.label, key, tier }, onEvent);
  return value;
}
