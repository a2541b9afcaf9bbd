import { NOT_FOUND } from '../backends/backend';
import type { BackendSession } from '../runtime/guard';
import type { TagVersions } from './entry';
import { newTagVersion } from './tag-version';

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

/** Tag versions read ahead, together with the entry: which keys were asked, and what was found. */
export interface TagRead {
  readonly keys: readonly string[];
  readonly found: ReadonlyMap<string, unknown>;
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

async function createTag(session: BackendSession, tagKey: string): Promise<string | undefined> {
  const version = newTagVersion();
  const stored = await session.attempt('add', tagKey, () => session.backend.add(tagKey, version, null), undefined);
  if (stored === undefined) return undefined;
  if (stored) return version;
  // Another writer created it first: use theirs, as stored.
  const current = await session.attempt('get', tagKey, () => session.backend.get(tagKey), NOT_FOUND);
  return typeof current === 'string' ? current : undefined;
}

/** Invalidates tags by writing a new version to each: one write per tag. */
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
