/**
 * Invalidation, hard and soft (SPEC 4, 11.2). Hard (`invalidate*`): the entries are never served
 * again. Soft (`expire*`): they are stale at once, kept as a fallback until their grace ends (a
 * miss for a function without `grace`). Both fence or release the computations under way here,
 * and reject with `BackendError` when the backend cannot be reached.
 */
import { clockOf, NOT_FOUND, rewriteEntry, type CacheInstance, type EntryRewrite } from '../backends/backend';
import type { CallFacts } from '../compile/call-hook';
import { renderFullKey, type CallPlan, type CallSettings } from '../compile/compile-plan';
import { CacheConfigError, SerializationError } from '../errors';
import { BackendSession } from '../guard/guard';
import { compileTemplate } from '../keys/compile-template';
import { debugNote } from '../observe/debug';
import { emitEvent, isObserved } from '../observe/events';
import { isEntry, makeEntry, STALE_ALREADY } from '../tags/entry';
import { tagKeyOf, writeNewVersions } from '../tags/tag-protocol';
import { releaseKeyFlight, releaseTagFlights } from './flight';

/** `hard`: invalidate (gone); `soft`: expire (stale). */
export type Mode = 'hard' | 'soft';

const HELPER_NAMES = { hard: 'invalidateCacheBy', soft: 'expireCacheBy' } as const;

/** Invalidates or expires the entry of a call (and fences or expires its computation under way in this process). */
export async function changeKeyOf(plan: CallPlan, mode: Mode, scope: unknown, args: readonly unknown[]): Promise<void> {
  plan.key.assertArgsGiven(args);
  plan.prefix?.assertArgsGiven(args);
  const key = renderFullKey(plan, args, scope);
  await changeKey(plan.backend(), plan.settings, key, mode);
}

/** Invalidates or expires the function's tags rendered for a call; with `only`, those of them that are given. */
export async function changeTagsOf(
  plan: CallPlan,
  mode: Mode,
  only: string | readonly string[] | undefined,
  scope: unknown,
  args: readonly unknown[],
): Promise<void> {
  const helper = `${HELPER_NAMES[mode]}Tags`;
  if (!plan.tags) {
    debugNote(`${plan.label}: ${helper} ignored: the function has no tags`);
    return;
  }
  plan.tags.assertArgsGiven(args);
  const facts: CallFacts = { fn: plan.fn, signature: plan.signature, scope, args };
  const own = plan.tags.before(facts);
  let chosen = own;
  if (only !== undefined) {
    const wanted = (typeof only === 'string' ? [only] : only).map((template) => renderGiven(plan, template, facts));
    chosen = wanted.filter((tag) => own.includes(tag));
    const ignored = wanted.filter((tag) => !own.includes(tag));
    if (ignored.length) debugNote(`${plan.label}: ${helper} ignored tags that are not the function's: ${ignored.join(', ')}`);
  }
  if (chosen.length === 0) return;
  await changeTags(plan.backend(), plan.settings, [...new Set(chosen)].map(tagKeyOf), 'tag', mode);
}

/** Invalidates or expires the prefix rendered for a call: every entry under it, stored by any function. */
export async function changePrefixOf(plan: CallPlan, mode: Mode, scope: unknown, args: readonly unknown[]): Promise<void> {
  if (!plan.prefix) {
    const helper = `${HELPER_NAMES[mode]}Prefix`;
    throw new CacheConfigError(`${plan.label}: ${helper} needs option "prefix", which this function does not have`, { option: 'prefix' });
  }
  plan.prefix.assertArgsGiven(args);
  const prefix = plan.prefix.render(args, scope);
  await changeTags(plan.backend(), plan.settings, [tagKeyOf(prefix)], 'prefix', mode);
}

/**
 * Hard: deletes `key`. Soft: marks a stale-serving entry stale at once (kept until its grace
 * ends) and deletes any other. Rejects with BackendError when the backend cannot be reached.
 */
export async function changeKey(backend: CacheInstance, settings: CallSettings, key: string, mode: Mode): Promise<void> {
  releaseKeyFlight(backend, key, mode);
  const session = new BackendSession(backend, settings);
  if (mode === 'hard') await session.mustSucceed('delete', key, () => backend.delete(key));
  else await expireEntry(session, key);
  observe(settings, { key, by: 'key', mode });
}

/** Writes a new hard or soft version to each tag key; rejects with BackendError when the backend cannot be reached. */
export async function changeTags(backend: CacheInstance, settings: CallSettings, tagKeys: readonly string[], by: 'tag' | 'prefix', mode: Mode): Promise<void> {
  releaseTagFlights(backend, tagKeys, mode);
  const session = new BackendSession(backend, settings);
  await writeNewVersions(session, tagKeys, mode);
  for (const key of tagKeys) observe(settings, { key, by, mode });
}

/** How many times an expire reads the entry again after finding it rewritten by someone else before its write. */
const EXPIRE_ATTEMPTS = 5;

// A compare-and-set (`CacheInstance.rewrite`): a hard invalidation or a write that lands between
// the read and the write wins; the expire then reads again and marks stale what it finds.
async function expireEntry(session: BackendSession, key: string): Promise<void> {
  const { backend } = session;
  const change = (stored: unknown): EntryRewrite => markedStale(stored, clockOf(backend)());
  for (let attempt = 1; attempt <= EXPIRE_ATTEMPTS; attempt++) {
    // Data that cannot be decoded is nobody's fallback: it is deleted like an entry without grace.
    const written = await session.mustSucceed('rewrite', key, () => rewriteEntry(backend, key, change).catch(unlessUndecodable));
    if (written === UNDECODABLE) {
      await session.mustSucceed('delete', key, () => backend.delete(key));
      return;
    }
    if (written) return;
  }
}

/** What an expire makes of `stored`: the entry marked stale, or deleted when it has no grace left (or none at all). */
function markedStale(stored: unknown, now: number): EntryRewrite {
  if (stored === NOT_FOUND) return 'keep';
  const goneAt = isEntry(stored) && stored.f !== undefined ? stored.g : undefined;
  if (goneAt === undefined || goneAt <= now || !isEntry(stored)) return 'delete';
  // Stale by this clock is not enough: a reader whose clock lags may still find it fresh.
  if (stored.f === STALE_ALREADY) return 'keep';
  return { value: makeEntry(stored.v, stored.t, { f: STALE_ALREADY, g: goneAt }, stored.n), timeout: (goneAt - now) / 1000 };
}

const UNDECODABLE = Symbol('undecodable');

function unlessUndecodable(error: unknown): typeof UNDECODABLE {
  if (error instanceof SerializationError) return UNDECODABLE;
  throw error;
}

function observe(settings: CallSettings, change: { key: string; by: 'key' | 'tag' | 'prefix'; mode: Mode }): void {
  const { onEvent, label } = settings;
  if (isObserved(onEvent)) emitEvent({ type: 'invalidate', function: label, ...change }, onEvent);
}

// Helper calls are rare: a given tag template is compiled on each call rather than cached.
function renderGiven(plan: CallPlan, template: string, facts: CallFacts): string {
  return compileTemplate(template, plan.signature, { label: plan.label, option: 'tags' }).render(facts.args, facts.scope);
}
