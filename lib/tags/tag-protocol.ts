/**
 * The tag protocol, whole: how a tag is stored, how its versions are read with an entry, checked
 * on a hit, created before a miss runs, and replaced by an invalidation. A tag (or a prefix, which
 * is a tag) has one version under its stored key; an entry carries the versions read before its
 * value was computed, and is valid while every one of them is still current.
 */
import { randomUUID } from 'node:crypto';
import { NOT_FOUND } from '../backends/backend';
import type { CallFacts } from '../compile/call-hook';
import type { CallPlan } from '../compile/compile-plan';
import type { BackendSession } from '../guard/guard';
import { createCacheKey } from '../keys/key-parts';
import type { TagVersions } from './entry';

/** Starts the stored key of every tag (and prefix), so tags never collide with entry keys. */
export const TAG_KEY_PREFIX = 'tag:';

/** The stored key of a rendered tag: `tag:` + the tag, as written. */
export function tagKeyOf(tag: string): string {
  return TAG_KEY_PREFIX + tag;
}

/**
 * The stored key of the tag written as `parts` joined by `:`: `createTagCacheKey('users', 1)` is
 * the key of the tag `'users:{id}'` for `id = 1`; `createTagCacheKey('users:1')` is another tag.
 * @throws CacheKeyError like `createCacheKey`.
 * @example createTagCacheKey('users', 1) // 'tag:users:1'
 */
export function createTagCacheKey(...parts: readonly unknown[]): string {
  return tagKeyOf(createCacheKey(...parts));
}

/** The tag keys of a call known before it runs, without repeats: its tags, then its prefix (a prefix is a tag). */
export function tagKeysBefore(plan: CallPlan, facts: CallFacts): string[] {
  const keys = plan.tags ? plan.tags.before(facts).map(tagKeyOf) : [];
  if (plan.prefix) keys.push(tagKeyOf(plan.prefix.render(facts.args, facts.scope)));
  return keys.length > 1 ? [...new Set(keys)] : keys;
}

/** Tag versions read ahead, together with the entry: which keys were asked, and what was found. */
export interface TagRead {
  readonly keys: readonly string[];
  readonly found: ReadonlyMap<string, unknown>;
}

/** Reads the versions of `keys` (sent with the entry's read); `undefined` when the backend failed. */
export async function prefetchTags(session: BackendSession, keys: readonly string[]): Promise<TagRead | undefined> {
  const found = await session.attempt('getMany', keys[0], () => session.backend.getMany(keys), undefined);
  return found ? { keys, found } : undefined;
}

/**
 * Phase two of a hit: the entry is valid only if every tag it carries still has the version it
 * was stored with. A failed or partial lookup makes it a miss, never a hit.
 */
export async function tagsStillValid(session: BackendSession, versions: TagVersions, prefetched?: TagRead): Promise<boolean> {
  const tagKeys = Object.keys(versions);
  // Tags read together with the entry need no second round trip; only the others are read now.
  const rest = prefetched ? tagKeys.filter((tagKey) => !prefetched.keys.includes(tagKey)) : tagKeys;
  const current = rest.length === 0 ? undefined : await session.attempt('getMany', rest[0], () => session.backend.getMany(rest), undefined);
  if (rest.length > 0 && !current) return false;
  for (const tagKey of tagKeys) {
    const version = current?.has(tagKey) ? current.get(tagKey) : prefetched?.found.get(tagKey);
    if (version !== versions[tagKey]) return false;
  }
  return true;
}

/**
 * Reads the current version of each tag, creating missing tags with set-if-absent; the versions
 * returned are the ones stored, so an invalidation after this read makes the entry stale.
 * Resolves to `undefined` when the backend failed (the value must then not be stored).
 */
export async function readTagVersions(
  session: BackendSession,
  tagKeys: readonly string[],
  prefetched?: TagRead,
): Promise<TagVersions | undefined> {
  const { backend } = session;
  const found = prefetched ? prefetched.found : await session.attempt('getMany', tagKeys[0], () => backend.getMany(tagKeys), undefined);
  if (!found) return undefined;
  const versions: Record<string, string> = Object.create(null) as Record<string, string>;
  const missing: string[] = [];
  for (const tagKey of tagKeys) {
    const version = found.get(tagKey);
    if (typeof version === 'string') versions[tagKey] = version;
    else missing.push(tagKey);
  }
  if (missing.length === 0) return versions;
  const created = await Promise.all(missing.map((tagKey) => createTag(session, tagKey)));
  for (let i = 0; i < missing.length; i++) {
    const version = created[i];
    if (version === undefined) return undefined;
    versions[missing[i] as string] = version;
  }
  return versions;
}

/**
 * Adds the versions of tags first known from the returned value to those read before the call;
 * `null` when they cannot be had (the value must then not be stored).
 */
export async function withTagsAfter(
  session: BackendSession,
  tags: readonly string[],
  before: TagVersions | undefined,
): Promise<TagVersions | undefined | null> {
  const fresh = [...new Set(tags.map(tagKeyOf))].filter((tagKey) => !before || !(tagKey in before));
  if (fresh.length === 0) return before;
  const more = await readTagVersions(session, fresh);
  return more ? { ...before, ...more } : null;
}

/** Invalidates tags by writing a new version to each: one write per tag, one round trip. */
export async function writeNewVersions(session: BackendSession, tagKeys: readonly string[]): Promise<void> {
  const { backend } = session;
  if (tagKeys.length === 1) {
    const tagKey = tagKeys[0] as string;
    await session.mustSucceed('set', tagKey, () => backend.set(tagKey, newTagVersion(), null));
    return;
  }
  const entries = new Map(tagKeys.map((tagKey) => [tagKey, newTagVersion()] as const));
  await session.mustSucceed('setMany', tagKeys[0], () => backend.setMany(entries, null));
}

async function createTag(session: BackendSession, tagKey: string): Promise<string | undefined> {
  const version = newTagVersion();
  const stored = await session.attempt('add', tagKey, () => session.backend.add(tagKey, version, null), undefined);
  if (stored === undefined) return undefined;
  if (stored) return version;
  // Another writer created it first: use theirs, as stored.
  const current = await session.attempt('get', tagKey, () => session.backend.get(tagKey), NOT_FOUND);
  return typeof current === 'string' ? current : undefined;
}

/** A new tag version: random and unique, never a clock or a counter two processes could repeat. */
function newTagVersion(): string {
  return randomUUID();
}
