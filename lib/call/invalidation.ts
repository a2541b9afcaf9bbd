import type { CacheInstance } from '../backends/backend';
import type { CallFacts } from '../compile/call-hook';
import { renderFullKey, type CallPlan, type CallSettings } from '../compile/compile-plan';
import { CacheConfigError } from '../errors';
import { BackendSession } from '../guard/guard';
import { compileTemplate } from '../keys/compile-template';
import { debugNote } from '../observe/debug';
import { emitEvent, isObserved, type CacheEvent } from '../observe/events';
import { tagKeyOf, writeNewVersions } from '../tags/tag-protocol';
import { fenceKey, fenceTags } from './flight';

/** Deletes the entry of a call (and fences its computation, if one is under way in this process). */
export async function invalidateKeyOf(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<void> {
  plan.key.assertArgsGiven(args);
  plan.prefix?.assertArgsGiven(args);
  const key = renderFullKey(plan, args, scope);
  await deleteKey(plan.backend(), plan.settings, key);
}

/** Invalidates the function's tags rendered for a call; with `only`, those of them that are given. */
export async function invalidateTagsOf(
  plan: CallPlan,
  only: string | readonly string[] | undefined,
  scope: unknown,
  args: readonly unknown[],
): Promise<void> {
  if (!plan.tags) {
    debugNote(`${plan.label}: invalidateCacheByTags ignored: the function has no tags`);
    return;
  }
  plan.tags.assertArgsGiven(args);
  const facts = factsOf(plan, scope, args);
  const own = plan.tags.before(facts);
  let chosen = own;
  if (only !== undefined) {
    const wanted = (typeof only === 'string' ? [only] : only).map((template) => renderGiven(plan, template, facts));
    chosen = wanted.filter((tag) => own.includes(tag));
    const ignored = wanted.filter((tag) => !own.includes(tag));
    if (ignored.length) debugNote(`${plan.label}: invalidateCacheByTags ignored tags that are not the function's: ${ignored.join(', ')}`);
  }
  if (chosen.length === 0) return;
  await bumpTags(plan.backend(), plan.settings, [...new Set(chosen)].map(tagKeyOf), 'tag');
}

/** Invalidates the prefix rendered for a call: every entry under it, stored by any function. */
export async function invalidatePrefixOf(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<void> {
  if (!plan.prefix) {
    throw new CacheConfigError(`${plan.label}: invalidateCacheByPrefix needs option "prefix", which this function does not have`, { option: 'prefix' });
  }
  plan.prefix.assertArgsGiven(args);
  const prefix = plan.prefix.render(args, scope);
  await bumpTags(plan.backend(), plan.settings, [tagKeyOf(prefix)], 'prefix');
}

/** Deletes `key` on `backend`; rejects with BackendError when the backend cannot be reached. */
export async function deleteKey(backend: CacheInstance, settings: CallSettings, key: string): Promise<void> {
  fenceKey(backend, key);
  const session = new BackendSession(backend, settings);
  await session.mustSucceed('delete', key, () => backend.delete(key));
  observe(settings.onEvent, { type: 'invalidate', function: settings.label, key, by: 'key' });
}

/** Writes a new version to each tag key; rejects with BackendError when the backend cannot be reached. */
export async function bumpTags(backend: CacheInstance, settings: CallSettings, tagKeys: readonly string[], by: 'tag' | 'prefix'): Promise<void> {
  fenceTags(backend, tagKeys);
  const session = new BackendSession(backend, settings);
  await writeNewVersions(session, tagKeys);
  for (const key of tagKeys) observe(settings.onEvent, { type: 'invalidate', function: settings.label, key, by });
}

function observe(onEvent: CallSettings['onEvent'], event: CacheEvent): void {
  if (isObserved(onEvent)) emitEvent(event, onEvent);
}

function factsOf(plan: CallPlan, scope: unknown, args: readonly unknown[]): CallFacts {
  return { fn: plan.fn, signature: plan.signature, scope, args };
}

// Helper calls are rare: a given tag template is compiled on each call rather than cached.
function renderGiven(plan: CallPlan, template: string, facts: CallFacts): string {
  return compileTemplate(template, plan.signature, { label: plan.label, option: 'tags' }).render(facts.args, facts.scope);
}
