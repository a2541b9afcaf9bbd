/**
 * The near tier: a `MemoryCache` of this process in front of a remote backend. Hits are answered
 * from memory without a round trip; misses read the remote store and keep what they found for as
 * long as it lives there (at most `maxLifeMs`). Whoever keeps the tier coherent (Redis client
 * tracking, or nothing but `ttlMs` for Memcached) calls `invalidate`, `bypass` and `trust`.
 */
import { NOT_FOUND, NOT_HELD, rewriteEntry, type BackendTimeout, type CacheInstance, type EntryRewrite } from '../backend';
import { HeldCopies } from './held-copies';
import { HeldStore } from './held-store';
import { InFlight, type Ticket } from './in-flight';
import { TagNotes } from './tag-notes';
import type { NearSource } from './near-source';
import type { ResolvedNearCacheOptions } from './near-options';

export type { LivedValue, NearSource } from './near-source';

/** A backend with a near tier; see the module comment. Starts bypassed unless `trusted`. */
export class NearTier implements CacheInstance {
  /** Hits from memory are reported with `tier: 'near'`. */
  readonly tiered = true;
  readonly backendTimeoutMs: number | undefined;
  readonly #source: NearSource;
  readonly #remote: CacheInstance;
  /** What is held, kept as copies with `copy` (see `HeldStore`). */
  readonly #store: HeldStore;
  readonly #inFlight = new InFlight();
  #trusted: boolean;
  #closed = false;
  readonly #onClose: Array<() => Promise<void>> = [];
  readonly #now: () => number;
  #onInvalidate: ((keys: readonly string[] | null) => void) | undefined;
  /** The entries whose tag versions were all found held and current, by slot (see `TagNotes`). */
  readonly #tagNotes = new TagNotes();

  constructor(source: NearSource, options: ResolvedNearCacheOptions, trusted: boolean) {
    this.#source = source;
    this.#now = source.now ?? Date.now;
    this.#remote = source.remote;
    this.backendTimeoutMs = source.remote.backendTimeoutMs;
    this.#store = new HeldStore(options.maxEntries, this.#now, options.copy ? new HeldCopies('near cache', source.serializer) : undefined);
    this.#trusted = trusted;
  }

  /** Whether the near cache is used now (false while bypassed). */
  get trusted(): boolean {
    return this.#trusted;
  }

  /** How many entries the near cache holds. */
  get size(): number {
    return this.#store.size;
  }

  get losesPrototypes(): boolean | undefined {
    return this.#remote.losesPrototypes;
  }

  /** The value held in memory (expiry judged at `now`, when given), or `NOT_HELD` (also while bypassed). */
  getSync(key: string, now?: number): unknown {
    if (!this.#trusted) return NOT_HELD;
    const held = this.#store.getSync(key, now);
    return held === NOT_FOUND ? NOT_HELD : held;
  }

  /**
   * `getSync` without the copy: what is held itself, which no caller may keep or change. The hit
   * path reads an entry so and hands out `copyOut` of its value alone. A value kept as text is
   * `NOT_HELD` here (only `getSync` decodes it).
   */
  peekSync(key: string, now?: number): unknown {
    if (!this.#trusted) return NOT_HELD;
    const held = this.#store.lend(key, now);
    return held === NOT_FOUND ? NOT_HELD : held;
  }

  /** What a caller may be given of `part`, a member of a peeked value: a copy with `copy`, else `part`. */
  copyOut(part: unknown): unknown {
    return this.#store.copyOut(part);
  }

  /** Whether the tag versions of the entry under `key` were noted current and nothing held changed since, nor expired by `now`. */
  tagsHeldCurrent(key: string, now: number): boolean {
    return this.#trusted && this.#tagNotes.until(this.#store.slotOf(key)) > now;
  }

  /** Notes that the entry under `key` was found with every one of `versionKeys` held and current at `now`. */
  noteTagsCurrent(key: string, versionKeys: readonly string[], now: number): void {
    if (!this.#trusted) return;
    let until = Infinity;
    for (const versionKey of versionKeys) {
      const lives = this.#store.liveUntil(versionKey, now);
      if (lives === -1) return;
      if (lives < until) until = lives;
    }
    const slot = this.#store.slotOf(key);
    if (slot !== -1) this.#tagNotes.note(slot, until);
  }

  async get(key: string): Promise<unknown> {
    const held = this.getSync(key);
    if (held !== NOT_HELD) return held;
    const found = await this.#fetch([key]);
    return found.has(key) ? found.get(key) : NOT_FOUND;
  }

  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const held = new Map<string, unknown>();
    const missing: string[] = [];
    for (const key of keys) {
      const value = this.getSync(key);
      if (value === NOT_HELD) missing.push(key);
      else held.set(key, value);
    }
    if (missing.length === 0) return held;
    const fetched = await this.#fetch(missing);
    const found = new Map<string, unknown>();
    for (const key of keys) {
      if (held.has(key)) found.set(key, held.get(key));
      else if (fetched.has(key)) found.set(key, fetched.get(key));
    }
    return found;
  }

  async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    const sentAt = this.#now();
    const [, keepable] = await this.#settle(this.#beginWrite([key]), this.#remote.set(key, value, timeout));
    this.#keepWritten(keepable, [[key, value]], timeout, sentAt);
  }

  async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    const sentAt = this.#now();
    const [, keepable] = await this.#settle(this.#beginWrite([...entries.keys()]), this.#remote.setMany(entries, timeout));
    this.#keepWritten(keepable, entries, timeout, sentAt);
  }

  async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    const sentAt = this.#now();
    const [stored, keepable] = await this.#settle(this.#beginWrite([key]), this.#remote.add(key, value, timeout));
    if (stored) this.#keepWritten(keepable, [[key, value]], timeout, sentAt);
    return stored;
  }

  async delete(key: string): Promise<boolean> {
    const [removed] = await this.#settle(this.#beginWrite([key]), this.#remote.delete(key));
    return removed;
  }

  /** The remote store's compare-and-delete (a lock's release), dropping the near copy; `false` where the remote store has none. */
  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    const removal = this.#remote.deleteIfEquals ? this.#remote.deleteIfEquals(key, expected) : Promise.resolve(false);
    const [removed] = await this.#settle(this.#beginWrite([key]), removal);
    return removed;
  }

  /** The remote store's compare-and-set, dropping the near copy; without one there, a read and a write (see `CacheInstance.rewrite`). */
  async rewrite(key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
    const ticket = this.#beginWrite([key]);
    const [written] = await this.#settle(ticket, rewriteEntry(this.#remote, key, change));
    return written;
  }

  /** Extends remote lives only: a near copy that ends sooner is read again, never served too long. */
  async touch(keys: readonly string[], timeout?: BackendTimeout): Promise<void> {
    await this.#remote.touch?.(keys, timeout);
  }

  async clear(): Promise<void> {
    this.#forgetAll();
    await this.#remote.clear?.();
    this.#forgetAll();
  }

  /** Tells `listener` of every invalidation that came from elsewhere (not of this process's own writes). */
  onInvalidate(listener: (keys: readonly string[] | null) => void): void {
    this.#onInvalidate = listener;
  }

  /** Runs `release` (the coherence link's) when the tier closes, before the remote backend closes. */
  onClose(release: () => Promise<void>): void {
    this.#onClose.push(release);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#trusted = false;
    await Promise.all(this.#onClose.map((release) => release()));
    this.#store.clear();
    await this.#remote.close?.();
  }

  /** Keys changed elsewhere (`null`: everything, a flush): forgotten at once, and no reply on its way may bring them back. */
  invalidate(keys: readonly string[] | null): void {
    if (this.#closed) return;
    if (keys === null) this.#forgetAll();
    else for (const key of keys) this.#forget(key);
    this.#onInvalidate?.(keys);
  }

  /** The coherence link is down: clear, and read the remote store until `trust()`. */
  bypass(): void {
    this.#trusted = false;
    this.#forgetAll();
  }

  /** The coherence link is up: keep what is read from now on (nothing read before counts). */
  trust(): void {
    if (this.#closed) return;
    this.#forgetAll();
    this.#trusted = true;
  }

  /** Anything held changed: no entry's tags count as checked any more. */
  #changed(): void {
    this.#tagNotes.voidAll();
  }

  #forget(key: string): void {
    this.#changed();
    this.#inFlight.spoil(key);
    if (!this.#closed) this.#store.delete(key);
  }

  #forgetAll(): void {
    this.#changed();
    this.#inFlight.spoilAll();
    if (!this.#closed) this.#store.clear();
  }

  /** Reads `keys` remotely and keeps each value found, unless an invalidation of it arrived meanwhile. */
  async #fetch(keys: readonly string[]): Promise<Map<string, unknown>> {
    const sentAt = this.#now();
    const [found, keepable] = await this.#settle(this.#inFlight.open(keys), this.#source.readWithLife(keys));
    const values = new Map<string, unknown>();
    // The remote store counted the life from when it answered, after `sentAt`: counting from
    // `sentAt` ends the near copy no later than the remote one.
    const spent = this.#now() - sentAt;
    for (const [key, lived] of found) {
      values.set(key, lived.value);
      if (this.#trusted && keepable(key)) this.#keep(key, lived.value, lived.lifeMs === null ? null : lived.lifeMs - spent, true);
    }
    return values;
  }

  /** Forgets `keys` at once (this process reads its own writes) and opens a ticket for the write. */
  #beginWrite(keys: readonly string[]): Ticket {
    for (const key of keys) this.#forget(key);
    return this.#inFlight.open(keys);
  }

  /** `pending`'s result, and which of the ticket's keys may be kept; the ticket is closed either way. */
  async #settle<T>(ticket: Ticket, pending: Promise<T>): Promise<[T, (key: string) => boolean]> {
    let result: T;
    try {
      result = await pending;
    } catch (error) {
      this.#inFlight.close(ticket);
      throw error;
    }
    return [result, this.#inFlight.close(ticket)];
  }

  /** Keeps what this process wrote, unless an invalidation of a key arrived while the write was on its way. */
  #keepWritten(keepable: (key: string) => boolean, entries: Iterable<readonly [string, unknown]>, timeout: BackendTimeout, sentAt: number): void {
    if (!this.#trusted) return;
    const seconds = timeout === undefined ? this.#source.defaultTimeout : timeout;
    // The remote expiry started when the store applied the write, after `sentAt`.
    const lifeMs = seconds === null ? null : seconds * 1000 - (this.#now() - sentAt);
    for (const [key, value] of entries) if (keepable(key)) this.#keep(key, value, lifeMs);
  }

  /** Keeps `value` for `lifeMs` (capped by `maxLifeMs`; `null`: as long as memory allows). */
  #keep(key: string, value: unknown, lifeMs: number | null, decoded = false): void {
    const capped = Math.min(lifeMs ?? Infinity, this.#source.maxLifeMs);
    if (capped <= 0 || this.#closed || !this.#source.keepable(key)) return;
    this.#changed();
    try {
      this.#store.keep(key, value, capped, decoded);
    } catch {
      // What cannot be copied is not kept: reads go to the remote store.
    }
  }
}

