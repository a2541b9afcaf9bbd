import { BackendError } from '../../errors';
import { cloneSnapshot } from '../../serializer/clone-snapshot';
import { cloneWithMemberNoted } from '../../serializer/clone-plan';
import { cloneStoredPlainJson } from '../../serializer/plain-json-copy';
import { taggedJson } from '../../serializer/tagged-json';
import { NOT_FOUND, type BackendTimeout, type CacheInstance, type EntryRewrite } from '../backend';
import { Codec } from '../shared/codec';
import { formatLimit, valueTooLarge } from '../shared/value-size';
import { EXPIRE_NOW, writeExpiry } from '../shared/expiry';
import { ClockStore } from './clock-store';
import { copyToKeep, Form, measure, VALUE_MEMBER, type Kept } from './kept-value';
import { resolveMemoryCacheOptions, type MemoryCacheOptions } from './memory-cache-options';

/** `expiresAt` value meaning "store nothing" (a timeout of 0 or less). */
const DO_NOT_STORE = -1;
/**
 * An in-process backend: a bounded map with per-entry expiry and no timers.
 *
 * Storing a new key when `maxEntries` are held evicts an entry chosen by CLOCK (second chance),
 * an approximation of least recently used: an entry read or overwritten since the clock hand last
 * passed it survives one more pass, and with no reads entries go in the order they were written.
 * Expiry is checked when an entry is read; expired entries that are never read again are the
 * first the hand evicts, or go through `prune()`. By default objects are stored as copies (see
 * `MemoryCacheOptions.copy`).
 *
 * After `close()` the cache is empty and every call rejects with a `BackendError`.
 *
 * @example
 * const cache = new MemoryCache({ maxEntries: 1000, defaultTimeout: 60 });
 * caches.setDefault(cache);
 */
export class MemoryCache implements CacheInstance {
  /** The bound on one call, in milliseconds, when the `backendTimeoutMs` option was given. */
  readonly backendTimeoutMs: number | undefined;
  /**
   * Answers from this process and cannot hang: the core arms no timer around its calls. False when
   * the `backendTimeoutMs` option was given or a subclass overrides `get`: the core then bounds
   * every call, as for a remote backend.
   */
  readonly inProcess: boolean;
  readonly #entries: ClockStore;
  readonly #copy: boolean;
  readonly #codec: Codec;
  /** Copies are kept as decoded snapshots and cloned on read (the default serializer only). */
  readonly #snapshots: boolean;
  readonly #defaultTimeout: number | null;
  readonly #maxBytes: number | undefined;
  /** The clock entries expire by (the `now` option, else `Date.now`); the core judges freshness by it too. */
  readonly now: () => number;
  #closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    const resolved = resolveMemoryCacheOptions(options);
    this.backendTimeoutMs = resolved.backendTimeoutMs;
    this.#entries = new ClockStore(resolved.maxEntries, resolved.now, resolved.maxBytes);
    this.#maxBytes = resolved.maxBytes;
    this.#copy = resolved.copy;
    this.#codec = new Codec('MemoryCache', resolved.serializer);
    this.#snapshots = resolved.serializer === taggedJson;
    this.#defaultTimeout = resolved.defaultTimeout;
    this.now = resolved.now;
    const getOverridden = this.get !== MemoryCache.prototype.get;
    this.inProcess = resolved.backendTimeoutMs === undefined && !getOverridden;
    // A subclass that overrides `get` but not `getSync` must be read through its `get`: the core's
    // hit path would otherwise answer from the store and skip the override. So with `set` and `setSync`.
    if (getOverridden && this.getSync === MemoryCache.prototype.getSync) {
      Object.defineProperty(this, 'getSync', { value: undefined, configurable: true });
    }
    if (this.set !== MemoryCache.prototype.set && this.setSync === MemoryCache.prototype.setSync) {
      Object.defineProperty(this, 'setSync', { value: undefined, configurable: true });
    }
  }

  /** Class instances come back as plain objects: copies through the default serializer (not `copy: false`, not a custom serializer). */
  get losesPrototypes(): boolean {
    return this.#copy && this.#codec.losesPrototypes;
  }

  /** How many entries are held, expired ones not yet reclaimed included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The bytes held, as `maxBytes` counts them (0 without `maxBytes`). */
  get bytes(): number {
    return this.#entries.bytes;
  }

  /** `get` without a Promise: lets the core answer a hit with no await at all; `now` (this cache's clock, read by the caller) spares a second clock read. */
  getSync(key: string, now?: number): unknown {
    if (this.#closed) throw closedError('get', key);
    return this.#read(key, now);
  }

  /** Until when (ms on this cache's clock; `Infinity`: never) the entry under `key` lives, or -1 if none is live at `now`; not a use. */
  liveUntil(key: string, now?: number): number {
    const slot = this.#closed ? -1 : this.#entries.liveSlotOf(key, now);
    return slot === -1 ? -1 : this.#entries.expiryOf(slot) || Infinity;
  }

  /** The value under `key`, or `NOT_FOUND`; a hit counts as use. */
  async get(key: string): Promise<unknown> {
    if (this.#closed) throw closedError('get', key);
    return this.#read(key);
  }

  /** The found keys only, in the order asked; each hit counts as use. */
  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    if (this.#closed) throw closedError('getMany', keys[0]);
    const found = new Map<string, unknown>();
    for (const key of keys) {
      const value = this.#read(key);
      if (value !== NOT_FOUND) found.set(key, value);
    }
    return found;
  }

  /** Stores `value` for `timeout` seconds; 0 or less deletes the entry instead. */
  async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    this.#set(key, value, timeout);
  }

  /** `set` without a Promise: lets the core store a computed value with no await; throws where `set` rejects. */
  setSync(key: string, value: unknown, timeout?: BackendTimeout): void {
    this.#set(key, value, timeout);
  }

  /** Stores every entry, or (when one value cannot be encoded) none of them. */
  async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    if (this.#closed) throw closedError('setMany', entries.keys().next().value);
    const expiresAt = this.#expiresAt('setMany', timeout);
    if (expiresAt === DO_NOT_STORE) {
      for (const key of entries.keys()) this.#remove(key);
      return;
    }
    const prepared: Array<[string, Kept]> = [];
    for (const [key, value] of entries) prepared.push([key, this.#keep(key, value)]);
    for (const [key, kept] of prepared) this.#entries.write(key, kept.stored, kept.form, expiresAt, kept.bytes);
  }

  /** Stores `value` only if `key` holds nothing live (an expired entry counts as nothing). */
  async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    if (this.#closed) throw closedError('add', key);
    const expiresAt = this.#expiresAt('add', timeout);
    const slot = this.#entries.slotOf(key);
    if (slot !== -1 && this.#entries.isLive(slot)) return false;
    if (expiresAt === DO_NOT_STORE) return false;
    this.#write(key, value, expiresAt);
    return true;
  }

  /** Removes `key`; resolves whether a live entry was there. */
  async delete(key: string): Promise<boolean> {
    if (this.#closed) throw closedError('delete', key);
    const slot = this.#entries.slotOf(key);
    if (slot === -1) return false;
    const live = this.#entries.isLive(slot);
    this.#entries.remove(slot);
    return live;
  }

  /** Removes `key` if it holds the string `expected` (a lock's token); resolves whether it did. */
  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    if (this.#closed) throw closedError('deleteIfEquals', key);
    return this.#read(key) === expected && this.delete(key);
  }

  /** `change` applied to what `key` holds, at once: in one process nothing can come between the read and the write. */
  async rewrite(key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
    if (this.#closed) throw closedError('rewrite', key);
    const next = change(this.#read(key));
    if (next === 'delete') this.#remove(key);
    else if (next !== 'keep') this.#set(key, next.value, next.timeout);
    return true;
  }

  /** Removes every entry. */
  async clear(): Promise<void> {
    if (this.#closed) throw closedError('clear');
    this.#entries.clear();
  }

  /** Empties the cache and refuses further calls; calling it again does nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
  }

  /** Makes each live key of `keys` last at least `timeout` seconds from now (`null`: never expire); never shortens an expiry. */
  async touch(keys: readonly string[], timeout?: BackendTimeout): Promise<void> {
    if (this.#closed) throw closedError('touch', keys[0]);
    const expiresAt = this.#expiresAt('touch', timeout);
    if (expiresAt === DO_NOT_STORE) return;
    for (const key of keys) this.#entries.extend(key, expiresAt);
  }

  /** Removes expired entries now (O(n)); returns how many. Never needed for correctness. */
  prune(): number {
    return this.#entries.prune();
  }

  #set(key: string, value: unknown, timeout: BackendTimeout): void {
    if (this.#closed) throw closedError('set', key);
    const expiresAt = this.#expiresAt('set', timeout);
    if (expiresAt === DO_NOT_STORE) {
      this.#remove(key);
      return;
    }
    this.#write(key, value, expiresAt);
  }

  #read(key: string, now?: number): unknown {
    const slot = this.#entries.liveSlotOf(key, now);
    if (slot === -1) return NOT_FOUND;
    const value = this.#entries.use(slot);
    switch (this.#entries.formOf(slot)) {
      case Form.AsIs:
        return value;
      case Form.PlainEntry:
        return cloneWithMemberNoted(this.#entries, slot, value as object, VALUE_MEMBER);
      case Form.PlainCopy:
        return cloneStoredPlainJson(value as object);
      case Form.Snapshot:
        return cloneSnapshot(value);
      default:
        return this.#codec.decode(key, value as string);
    }
  }

  #write(key: string, value: unknown, expiresAt: number): void {
    const kept = this.#keep(key, value);
    this.#entries.write(key, kept.stored, kept.form, expiresAt, kept.bytes);
  }

  /**
   * What to keep for `value`, and how to read it back. Primitives are immutable, so only objects
   * (and what must fail to encode) are copied, as `copyToKeep` says.
   */
  #keep(key: string, value: unknown): Kept {
    const kept = this.#copyOf(key, value);
    if (this.#maxBytes === undefined) return kept;
    const bytes = Buffer.byteLength(key) + measure(kept);
    if (bytes > this.#maxBytes) throw valueTooLarge(key, bytes, this.#maxBytes, 'maxBytes', `MemoryCache holds at most ${formatLimit(this.#maxBytes, 'maxBytes')}`);
    return { ...kept, bytes };
  }

  #copyOf(key: string, value: unknown): Kept {
    const type = typeof value;
    const copied = this.#copy && (type === 'object' ? value !== null : type === 'function' || type === 'symbol');
    return copied ? copyToKeep(key, value, this.#codec, this.#snapshots) : { stored: value, form: Form.AsIs, bytes: 0 };
  }

  #remove(key: string): void {
    const slot = this.#entries.slotOf(key);
    if (slot !== -1) this.#entries.remove(slot);
  }

  /** Milliseconds on this cache's clock when an entry written now expires; 0 = never. */
  #expiresAt(method: string, timeout: BackendTimeout): number {
    const seconds = writeExpiry('MemoryCache', method, timeout, this.#defaultTimeout);
    if (seconds === null) return 0;
    if (seconds === EXPIRE_NOW) return DO_NOT_STORE;
    // Fractions are kept as they are: unlike Redis and memcached, nothing here needs whole units.
    return this.now() + seconds * 1000;
  }
}

function closedError(operation: string, key?: string): BackendError {
  return new BackendError(`MemoryCache: ${operation} after close(); this cache was closed`, { operation, key });
}
