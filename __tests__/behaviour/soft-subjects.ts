/**
 * The ways to reach a cached function's soft and hard invalidations (SPEC 11.2), built the same
 * way for every backend: a plain `cached` function, a `cachedMethod` through an instance and
 * through its handle, a `cachedProperty` handle, and the free functions given `{ cacheInstance }`
 * or `{ cacheAlias }`. Each subject reads one controllable source, so a test can change the value,
 * make the function fail, and see what a call returns and which events it raised.
 */
import {
  cached,
  cachedMethod,
  cachedProperty,
  caches,
  expireCacheKey,
  expireCachePrefix,
  expireCacheTags,
  invalidateCacheKey,
  invalidateCachePrefix,
  invalidateCacheTags,
  type CacheEvent,
  type CacheInstance,
  type CachedMember,
} from '../../lib';

/** What the cached function reads: its next value, whether it fails, and how often it ran. */
export class Source {
  value: unknown = 1;
  fail = false;
  runs = 0;

  read(): unknown {
    this.runs += 1;
    if (this.fail) throw new Error(`source down (run ${this.runs})`);
    return this.value;
  }
}

export type Way = 'key' | 'tags' | 'prefix';
export type Mode = 'hard' | 'soft';
export const WAYS: readonly Way[] = ['key', 'tags', 'prefix'];

/** One cached function seen through one kind of handle. */
export interface Subject {
  readonly source: Source;
  readonly events: CacheEvent[];
  /** Calls the cached function (reads the property) with the subject's fixed arguments. */
  call(): Promise<unknown>;
  /** Invalidates (hard) or expires (soft) the call's entry by key, by the function's tags, or by its prefix. */
  change(mode: Mode, way: Way): Promise<void>;
}

export type SubjectKind = 'cached' | 'method instance' | 'method handle' | 'property handle' | 'free, cacheInstance' | 'free, cacheAlias';
export const SUBJECT_KINDS: readonly SubjectKind[] = ['cached', 'method instance', 'method handle', 'property handle', 'free, cacheInstance', 'free, cacheAlias'];

/** Options the subjects share: lifetimes, and where events go. */
export interface Lifetime {
  readonly timeout: number;
  readonly grace?: number;
  readonly graceBackoff?: number;
}

let serial = 0;

/** A fresh subject of `kind` on `backend`, with its own key, tag and prefix (so tests never share entries). */
export function makeSubject(kind: SubjectKind, backend: CacheInstance, lifetime: Lifetime): Subject {
  const n = `${process.pid}-${++serial}`;
  const source = new Source();
  const events: CacheEvent[] = [];
  const common = { ...lifetime, cacheInstance: backend, onError: () => undefined, onEvent: (event: CacheEvent) => events.push(event) };
  const names = { key: `soft-${n}:{id}`, tag: `soft-tag-${n}:{id}`, prefix: `soft-prefix-${n}:{id}` };
  if (kind === 'method instance' || kind === 'method handle') return methodSubject(kind, n, source, events, common);
  if (kind === 'property handle') return propertySubject(n, source, events, common);
  const fn = cached(async (id: number) => (id < 0 ? undefined : source.read()), { ...common, cacheKey: names.key, tags: [names.tag], prefix: names.prefix });
  const id = 7;
  if (kind === 'cached') {
    return {
      source,
      events,
      call: () => fn(id),
      change: (mode, way) => {
        if (way === 'key') return mode === 'soft' ? fn.expireCacheByKey(id) : fn.invalidateCacheByKey(id);
        if (way === 'tags') return mode === 'soft' ? fn.expireCacheByTags(undefined, id) : fn.invalidateCacheByTags(undefined, id);
        return mode === 'soft' ? fn.expireCacheByPrefix(id) : fn.invalidateCacheByPrefix(id);
      },
    };
  }
  let options: { cacheInstance: CacheInstance } | { cacheAlias: string } = { cacheInstance: backend };
  if (kind === 'free, cacheAlias') {
    const alias = `soft-alias-${n}`;
    caches.set(alias, backend);
    options = { cacheAlias: alias };
  }
  // A free function belongs to no cached function: its events reach the process-wide listeners.
  // (Never unsubscribed: it keeps only the invalidations of this subject's own keys.)
  caches.onEvent((event) => {
    if (event.type === 'invalidate' && Object.values(renderedKeys()).includes(event.key)) events.push(event);
  });
  const renderedKeys = () => ({ key: rendered.key, tag: `tag:${rendered.tag}`, prefix: `tag:${rendered.prefix}` });
  const rendered = { key: fn.getCacheKey(id), tag: names.tag.replace('{id}', String(id)), prefix: names.prefix.replace('{id}', String(id)) };
  return {
    source,
    events,
    call: () => fn(id),
    change: (mode, way) => {
      if (way === 'key') return mode === 'soft' ? expireCacheKey(rendered.key, options) : invalidateCacheKey(rendered.key, options);
      if (way === 'tags') return mode === 'soft' ? expireCacheTags([rendered.tag], options) : invalidateCacheTags([rendered.tag], options);
      return mode === 'soft' ? expireCachePrefix(rendered.prefix, options) : invalidateCachePrefix(rendered.prefix, options);
    },
  };
}

type Common = Lifetime & { cacheInstance: CacheInstance; onError: () => void; onEvent: (event: CacheEvent) => void };

function methodSubject(kind: 'method instance' | 'method handle', n: string, source: Source, events: CacheEvent[], common: Common): Subject {
  class Shop {
    constructor(readonly id: number) {}
    async stock(item: string): Promise<unknown> {
      // The value is the source's alone, so every subject returns the same thing.
      return item === '' ? undefined : source.read();
    }
  }
  const handle = cachedMethod(Shop, 'stock', {
    ...common,
    cacheKey: `shop-${n}:{this.id}:{item}`,
    tags: [`shop-tag-${n}:{this.id}`],
    prefix: `shop-prefix-${n}:{this.id}`,
  });
  const shop = new Shop(3);
  const bound = shop.stock as unknown as CachedMember<(item: string) => Promise<unknown>>;
  return {
    source,
    events,
    call: () => shop.stock('apple'),
    change: (mode, way) => {
      const soft = mode === 'soft';
      if (kind === 'method instance') {
        if (way === 'key') return soft ? bound.expireCacheByKey('apple') : bound.invalidateCacheByKey('apple');
        if (way === 'tags') return soft ? bound.expireCacheByTags(undefined, 'apple') : bound.invalidateCacheByTags(undefined, 'apple');
        return soft ? bound.expireCacheByPrefix() : bound.invalidateCacheByPrefix();
      }
      if (way === 'key') return soft ? handle.expireCacheByKey(shop, 'apple') : handle.invalidateCacheByKey(shop, 'apple');
      if (way === 'tags') return soft ? handle.expireCacheByTags(undefined, shop, 'apple') : handle.invalidateCacheByTags(undefined, shop, 'apple');
      return soft ? handle.expireCacheByPrefix(shop) : handle.invalidateCacheByPrefix(shop);
    },
  };
}

function propertySubject(n: string, source: Source, events: CacheEvent[], common: Common): Subject {
  class Account {
    constructor(readonly id: number) {}
    get balance(): Promise<unknown> {
      return Promise.resolve().then(() => source.read());
    }
  }
  const handle = cachedProperty(Account, 'balance', {
    ...common,
    cacheKey: `account-${n}:{this.id}`,
    tags: [`account-tag-${n}:{this.id}`],
    prefix: `account-prefix-${n}:{this.id}`,
  });
  const account = new Account(5);
  return {
    source,
    events,
    call: () => account.balance,
    change: (mode, way) => {
      const soft = mode === 'soft';
      if (way === 'key') return soft ? handle.expireCacheByKey(account) : handle.invalidateCacheByKey(account);
      if (way === 'tags') return soft ? handle.expireCacheByTags(undefined, account) : handle.invalidateCacheByTags(undefined, account);
      return soft ? handle.expireCacheByPrefix(account) : handle.invalidateCacheByPrefix(account);
    },
  };
}

/** The types of the events a subject raised since `from`, with the reason of stale ones (`stale:error`). */
export function eventTypes(subject: Subject, from = 0): string[] {
  return subject.events.slice(from).map((event) => (event.type === 'stale' ? `stale:${event.reason}` : event.type));
}
