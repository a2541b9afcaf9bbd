/**
 * The tag protocol, whole: how a tag is stored, how its versions are read with an entry, checked
 * on a hit, created before a miss runs, and replaced by an invalidation. A tag (or a prefix, which
 * is a tag) has two versions, both random: a hard one under its tag key and a soft one under its
 * soft key. An entry carries the versions read before its value was computed: while all are
 * current it is valid; a changed soft version makes it stale (SPEC 11.2); a changed hard version
 * makes it gone.
 *
 * Tag keys expire (on a backend with `touch`): a tag is created to live as long as an entry of
 * the function that creates it can (`CallPlan.tagLife`), each tagged write extends every version
 * key of the entry to at least the entry's own lifetime plus a margin (`PEXPIRE ... GT` on Redis,
 * in the same round trip as the write), and an invalidation writes its new version to live
 * `INVALIDATED_TAG_SECONDS`. A tag that expired is missing: every entry that carries it then holds
 * a version no key holds (a miss, or stale for a soft one), and the next miss creates it with a
 * new random version. No path writes an old version back.
 */
import { randomUUID } from 'node:crypto';
import { NOT_FOUND, NOT_HELD, type BackendTimeout, type CacheInstance } from '../backends/backend';
import type { CallFacts } from '../compile/call-hook';
import type { CallPlan } from '../compile/compile-plan';
import type { BackendSession } from '../guard/guard';
import { createCacheKey } from '../keys/key-parts';
import type { TagVersions } from './entry';

/** Seconds the new version written by an invalidation lives, unless an entry written with it extends it. */
export const INVALIDATED_TAG_SECONDS = 3600;

/** The most a tag outlives the entries written with it: time for a miss that read it as the entry expired to compute and write. */
export const TAG_MARGIN_SECONDS = 60;

/** A backend session that knows how long the tags it creates live (a call). */
export type TagSession = BackendSession & { readonly plan: Pick<CallPlan, 'tagLife'> };

/** Starts the stored key of every tag (and prefix), so tags never collide with entry keys. */
export const TAG_KEY_PREFIX = 'tag:';

/** Starts the stored key of every tag's soft version. */
const SOFT_TAG_KEY_PREFIX = 'tag-soft:';

/** The stored key of a rendered tag: `tag:` + the tag, as written. */
export function tagKeyOf(tag: string): string {
  return TAG_KEY_PREFIX + tag;
}

/** The stored key of the soft version of the tag whose key is `tagKey`. */
function softKeyOf(tagKey: string): string {
  return SOFT_TAG_KEY_PREFIX + tagKey.slice(TAG_KEY_PREFIX.length);
}

/** Whether `key` holds a tag's hard version (the tag key itself), rather than its soft one. */
export function isHardTagKey(key: string): boolean {
  return key.startsWith(TAG_KEY_PREFIX);
}

/** The keys of every version of `tagKeys`: the hard ones, then the soft ones. */
export function versionKeysOf(tagKeys: readonly string[]): string[] {
  return [...tagKeys, ...tagKeys.map(softKeyOf)];
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

/** The tag keys of a function without tags or prefix: one array for all its calls. */
const NO_TAG_KEYS: readonly string[] = Object.freeze([]);

/** The tag keys of a call known before it runs, without repeats: its tags, then its prefix (a prefix is a tag). */
export function tagKeysBefore(plan: CallPlan, facts: CallFacts): readonly string[] {
  if (plan.tags === undefined && plan.prefix === undefined) return NO_TAG_KEYS;
  const keys = plan.tags ? plan.tags.before(facts).map(tagKeyOf) : [];
  if (plan.prefix) keys.push(tagKeyOf(plan.prefix.render(facts.args, facts.scope)));
  return keys.length > 1 ? [...new Set(keys)] : keys;
}

/** Tag versions read ahead, together with the entry: which keys were asked, and what was found. */
export interface TagRead {
  readonly keys: readonly string[];
  readonly found: ReadonlyMap<string, unknown>;
}

/** Reads both versions of each of `tagKeys` in one round trip (sent with the entry's read); `undefined` when the backend failed. */
export async function prefetchTags(session: BackendSession, tagKeys: readonly string[]): Promise<TagRead | undefined> {
  const keys = versionKeysOf(tagKeys);
  const found = await session.attempt('getMany', keys[0], () => session.backend.getMany(keys), undefined);
  return found ? { keys, found } : undefined;
}

/** What the versions an entry carries say of it: all current, a soft one changed, or a hard one changed (or unreadable). */
export type TagState = 'valid' | 'stale' | 'gone';

/**
 * Phase two of a hit: compares the versions the entry carries with the current ones, reading in
 * one round trip those not read with the entry. A failed or partial lookup makes it gone, never a hit.
 */
export async function tagState(session: BackendSession, versions: TagVersions, prefetched?: TagRead): Promise<TagState> {
  const keys = Object.keys(versions);
  // Versions read together with the entry need no second round trip; only the others are read now.
  const rest = prefetched ? keys.filter((key) => !prefetched.keys.includes(key)) : keys;
  const current = rest.length === 0 ? undefined : await session.attempt('getMany', rest[0], () => session.backend.getMany(rest), undefined);
  if (rest.length > 0 && !current) return 'gone';
  let state: TagState = 'valid';
  for (const key of keys) {
    const version = current?.has(key) ? current.get(key) : prefetched?.found.get(key);
    if (version === versions[key]) continue;
    if (!key.startsWith(SOFT_TAG_KEY_PREFIX)) return 'gone';
    state = 'stale';
  }
  return state;
}

/**
 * Phase two of a hit from a near cache, without a Promise: the state of the versions of the entry
 * under `entryKey`, judged at `now` (a reading of the backend's clock), when the near cache holds
 * every one of them, else `undefined` (then `tagState` reads them). Versions found all current are
 * noted, so that the next hit of the entry skips them until anything held changes.
 */
export function heldTagState(backend: CacheInstance, versions: TagVersions, entryKey: string, now: number): TagState | undefined {
  if (backend.tagsHeldCurrent?.(entryKey, now) === true) return 'valid';
  const read = backend.getSync;
  if (read === undefined) return undefined;
  let state: TagState = 'valid';
  for (const key in versions) {
    let version: unknown;
    try {
      version = read.call(backend, key, now);
    } catch {
      return undefined;
    }
    if (version === NOT_HELD) return undefined;
    if (version === versions[key]) continue;
    if (!key.startsWith(SOFT_TAG_KEY_PREFIX)) return 'gone';
    state = 'stale';
  }
  if (state === 'valid') backend.noteTagsCurrent?.(entryKey, Object.keys(versions), now);
  return state;
}

/**
 * The current versions of `read` (both versions of each tag), creating missing ones with
 * set-if-absent; the versions returned are the ones stored, so an invalidation after the read
 * makes the entry stale or gone. Resolves to `undefined` when the backend failed (the value must
 * then not be stored).
 */
export async function readTagVersions(session: TagSession, read: TagRead): Promise<TagVersions | undefined> {
  const versions: Record<string, string> = Object.create(null) as Record<string, string>;
  const missing: string[] = [];
  for (const key of read.keys) {
    const version = read.found.get(key);
    if (typeof version === 'string') versions[key] = version;
    else missing.push(key);
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
  session: TagSession,
  tags: readonly string[],
  before: TagVersions | undefined,
): Promise<TagVersions | undefined | null> {
  const fresh = [...new Set(tags.map(tagKeyOf))].filter((tagKey) => !before || !(tagKey in before));
  if (fresh.length === 0) return before;
  const read = await prefetchTags(session, fresh);
  const more = read ? await readTagVersions(session, read) : undefined;
  return more ? { ...before, ...more } : null;
}

/**
 * Invalidates tags by writing a new version to each: the hard version (entries carrying the tag
 * are gone) or the soft one (they are stale). One write per tag, one round trip.
 */
export async function writeNewVersions(session: BackendSession, tagKeys: readonly string[], how: 'hard' | 'soft'): Promise<void> {
  const { backend } = session;
  const keys = how === 'hard' ? tagKeys : tagKeys.map(softKeyOf);
  // The entries carrying the old version are gone (or stale) whether or not the key lives on; the
  // new version needs to live only until the entries written with it extend it.
  const life = backend.touch ? INVALIDATED_TAG_SECONDS : null;
  if (keys.length === 1) {
    const key = keys[0] as string;
    await session.mustSucceed('set', key, () => backend.set(key, newTagVersion(), life));
    return;
  }
  const entries = new Map(keys.map((key) => [key, newTagVersion()] as const));
  await session.mustSucceed('setMany', keys[0], () => backend.setMany(entries, life));
}

/**
 * Extends the version keys of a tagged entry written now with `timeout` (its backend expiry) to
 * outlive it: never-expiring entries keep their tags forever. Started with the entry's write, so
 * both leave in the same round trip; a failure only makes the entry a miss sooner.
 */
export function extendTags(session: BackendSession, versions: TagVersions, timeout: BackendTimeout): Promise<void> | undefined {
  const { backend } = session;
  if (backend.touch === undefined) return undefined;
  const keys = Object.keys(versions);
  if (keys.length === 0) return undefined;
  const life = withMargin(timeout);
  return session.attempt('touch', keys[0], () => backend.touch?.(keys, life) ?? Promise.resolve(), undefined);
}

async function createTag(session: TagSession, tagKey: string): Promise<string | undefined> {
  const version = newTagVersion();
  // A backend that cannot extend an expiry keeps its tags forever, as an entry's write could not make them outlive it.
  const life = session.backend.touch ? withMargin(session.plan.tagLife) : null;
  const stored = await session.attempt('add', tagKey, () => session.backend.add(tagKey, version, life), undefined);
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

/** A tag's life for entries that live `timeout`: a margin longer (at most `TAG_MARGIN_SECONDS`), so a miss that read it as the entry expired can still write. */
function withMargin(timeout: BackendTimeout): BackendTimeout {
  return typeof timeout === 'number' ? timeout + Math.min(timeout, TAG_MARGIN_SECONDS) : timeout;
}
