/**
 * The calls of a backend built with `nearCache`: the near tier's, bound to it, installed as own
 * properties of the backend so that its class keeps one implementation of each call.
 */
import type { CacheInstance } from '../backend';
import type { NearTier } from './near-tier';

type NearCalls = Required<Pick<CacheInstance, 'get' | 'getSync' | 'tagsHeldCurrent' | 'noteTagsCurrent' | 'peekSync' | 'copyOut' | 'getMany' | 'set' | 'setMany' | 'add' | 'touch' | 'delete' | 'deleteIfEquals' | 'rewrite' | 'close'>> &
  Pick<CacheInstance, 'clear'> & { readonly tiered: true };

/** The tier's calls; `clear` only for a backend that can clear its remote store. */
export function nearMethods(tier: NearTier, withClear: boolean): NearCalls {
  return {
    tiered: true,
    get: (key) => tier.get(key),
    getSync: (key, now) => tier.getSync(key, now),
    peekSync: (key, now) => tier.peekSync(key, now),
    copyOut: (part) => tier.copyOut(part),
    tagsHeldCurrent: (key, now) => tier.tagsHeldCurrent(key, now),
    noteTagsCurrent: (key, versionKeys, now) => tier.noteTagsCurrent(key, versionKeys, now),
    getMany: (keys) => tier.getMany(keys),
    set: (key, value, timeout) => tier.set(key, value, timeout),
    setMany: (entries, timeout) => tier.setMany(entries, timeout),
    add: (key, value, timeout) => tier.add(key, value, timeout),
    touch: (keys, timeout) => tier.touch(keys, timeout),
    delete: (key) => tier.delete(key),
    deleteIfEquals: (key, expected) => tier.deleteIfEquals(key, expected),
    rewrite: (key, change) => tier.rewrite(key, change),
    close: () => tier.close(),
    ...(withClear ? { clear: () => tier.clear() } : {}),
  };
}
