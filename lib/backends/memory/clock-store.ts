/** Flag bit: the entry was read or overwritten since the clock hand last passed it. */
const USED = 1;
/** The flag bits above USED hold the entry's form, a small number chosen by the store's user. */
const FORM_SHIFT = 1;
/** Slots allocated up front; the arrays then double as needed, up to `maxEntries`. */
const INITIAL_SLOTS = 64;

/**
 * Bounded entries with expiry and CLOCK (second-chance) eviction, kept as parallel arrays indexed
 * by slot, with a `Map` from key to slot.
 *
 * Why not a `Map` of entries in order of use: refreshing recency by `map.delete(key);
 * map.set(key, v)` makes V8 rehash a full table over and over, O(n) per hit at capacity. Why not a
 * linked list of nodes: a node object per entry costs about 90 bytes. Here an entry is a slot
 * number (a small integer, stored inline in the Map), its key and value in two arrays, 8 bytes of
 * expiry and one byte of flags; a read sets a bit and allocates nothing.
 *
 * Eviction is approximately least recently used: a hand sweeps the slots, clearing the USED bit
 * of each entry it passes and evicting the first one without it (or the first expired one). So an
 * entry read since the hand last passed it survives one more pass, and with no reads entries go
 * in the order they were written.
 */
export class ClockStore {
  readonly #slots = new Map<string, number>();
  readonly #keys: Array<string | undefined> = [];
  readonly #values: unknown[] = [];
  /**
   * What the store's user noted of each slot's value (`noteOf`), dropped whenever the value
   * changes. Grown only as far as the highest slot noted: a store whose entries are never noted
   * (never read, say) spends nothing on it.
   */
  readonly #notes: unknown[] = [];
  #expiresAt: Float64Array;
  #flags: Uint8Array;
  /** Slots emptied by a delete or an expiry, reused before any eviction. */
  readonly #free: number[] = [];
  #hand = 0;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** The bound on the bytes of all entries together, or `undefined`; then sizes are not kept. */
  readonly #maxBytes: number | undefined;
  /** Each slot's size in bytes, as given to `write` (only with `maxBytes`). */
  readonly #sizes: number[] | undefined;
  #totalBytes = 0;

  constructor(maxEntries: number, now: () => number, maxBytes?: number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
    this.#maxBytes = maxBytes;
    this.#sizes = maxBytes === undefined ? undefined : [];
    const slots = Math.min(maxEntries, INITIAL_SLOTS);
    this.#expiresAt = new Float64Array(slots);
    this.#flags = new Uint8Array(slots);
  }

  /** How many entries are held, expired ones not yet reclaimed included. */
  get size(): number {
    return this.#slots.size;
  }

  /** The bytes of every entry held, as given to `write` (0 without `maxBytes`). */
  get bytes(): number {
    return this.#totalBytes;
  }

  /** The slot of `key`, expired or not, or -1. */
  slotOf(key: string): number {
    return this.#slots.get(key) ?? -1;
  }

  /** The slot of `key` if it holds a live entry (at `now`, else at the clock's time), else -1 (an expired entry is removed). */
  liveSlotOf(key: string, now?: number): number {
    const slot = this.#slots.get(key);
    if (slot === undefined) return -1;
    if (this.isLive(slot, now)) return slot;
    this.remove(slot);
    return -1;
  }

  /** Whether the entry in `slot` has not expired at `now` (a reading of the store's clock; read here when not given). */
  isLive(slot: number, now?: number): boolean {
    const expiresAt = this.#expiresAt[slot] as number;
    return expiresAt === 0 || expiresAt > (now ?? this.#now());
  }

  /** When the entry in `slot` expires, in ms on the clock (0: never). */
  expiryOf(slot: number): number {
    return this.#expiresAt[slot] as number;
  }

  /** The value in `slot`, marking the entry as used. */
  use(slot: number): unknown {
    this.#flags[slot] = (this.#flags[slot] as number) | USED;
    return this.#values[slot];
  }

  /** The key in `slot` (`undefined` for an empty one). */
  keyAt(slot: number): string | undefined {
    return this.#keys[slot];
  }

  /** The value in `slot` (`undefined` for an empty one), not a use. */
  valueAt(slot: number): unknown {
    return this.#values[slot];
  }

  /** What was noted of the value in `slot` since it was written (`setNote`), or `undefined`. */
  noteOf(slot: number): unknown {
    return slot < this.#notes.length ? this.#notes[slot] : undefined;
  }

  /** Keeps `note` with the value in `slot` (say, how to copy it) until that value is overwritten or removed. */
  setNote(slot: number, note: unknown): void {
    const notes = this.#notes;
    // Filled up to `slot` first, so the array stays packed.
    while (notes.length < slot) notes.push(undefined);
    notes[slot] = note;
  }

  /** The form the value in `slot` was written with (how to read it; see `write`). */
  formOf(slot: number): number {
    return (this.#flags[slot] as number) >> FORM_SHIFT;
  }

  /**
   * Stores an entry (`expiresAt` in ms on the clock, 0 = never); an overwrite counts as use.
   * `form` (0 to 127) is kept with it for `formOf`: how the value must be read.
   */
  write(key: string, value: unknown, form: number, expiresAt: number, bytes = 0): void {
    const held = this.#slots.get(key);
    const flags = form << FORM_SHIFT;
    let slot = held;
    if (slot !== undefined) {
      this.#fill(slot, key, value, flags | USED, expiresAt);
    } else {
      slot = this.#emptySlot();
      this.#fill(slot, key, value, flags, expiresAt);
      this.#slots.set(key, slot);
    }
    if (this.#sizes !== undefined) this.#sized(slot, bytes);
  }

  /**
   * Records the size of the entry just written to `slot`, then evicts others (CLOCK, as for
   * `maxEntries`) until the total is within `maxBytes`. The caller refuses an entry larger than
   * `maxBytes` by itself, so the one just written always stays.
   */
  #sized(slot: number, bytes: number): void {
    const sizes = this.#sizes as number[];
    this.#totalBytes += bytes - (sizes[slot] ?? 0);
    sizes[slot] = bytes;
    while (this.#totalBytes > (this.#maxBytes as number) && this.#slots.size > 1) this.remove(this.#victim(slot));
  }

  /** Makes the live entry of `key` (if any) expire no earlier than `expiresAt` (0 = never); never brings an expiry forward. */
  extend(key: string, expiresAt: number): void {
    const slot = this.liveSlotOf(key);
    if (slot === -1) return;
    const current = this.#expiresAt[slot] as number;
    if (current !== 0 && (expiresAt === 0 || expiresAt > current)) this.#expiresAt[slot] = expiresAt;
  }

  /** Empties `slot`, which must hold an entry, for a later write. */
  remove(slot: number): void {
    this.#empty(slot);
    this.#free.push(slot);
  }

  /** Removes expired entries (O(n)); returns how many. */
  prune(): number {
    const now = this.#now();
    let removed = 0;
    for (let slot = 0; slot < this.#keys.length; slot++) {
      const expiresAt = this.#expiresAt[slot] as number;
      if (this.#keys[slot] !== undefined && expiresAt !== 0 && expiresAt <= now) {
        this.remove(slot);
        removed++;
      }
    }
    return removed;
  }

  /** Removes every entry and gives the arrays' memory back. */
  clear(): void {
    this.#slots.clear();
    if (this.#sizes !== undefined) this.#sizes.length = 0;
    this.#totalBytes = 0;
    this.#keys.length = 0;
    this.#values.length = 0;
    this.#notes.length = 0;
    this.#free.length = 0;
    this.#hand = 0;
    const slots = Math.min(this.#maxEntries, INITIAL_SLOTS);
    this.#expiresAt = new Float64Array(slots);
    this.#flags = new Uint8Array(slots);
  }

  #fill(slot: number, key: string, value: unknown, flags: number, expiresAt: number): void {
    this.#keys[slot] = key;
    this.#values[slot] = value;
    if (slot < this.#notes.length) this.#notes[slot] = undefined;
    this.#flags[slot] = flags;
    this.#expiresAt[slot] = expiresAt;
  }

  /** A slot to write a new key into: a freed one, a new one, or one taken from an evicted entry. */
  #emptySlot(): number {
    const freed = this.#free.pop();
    if (freed !== undefined) return freed;
    const next = this.#keys.length;
    if (next < this.#maxEntries) {
      if (next === this.#flags.length) this.#grow();
      // Appending keeps the arrays packed; the slot is filled right after.
      this.#keys.push(undefined);
      this.#values.push(undefined);
      return next;
    }
    const slot = this.#victim();
    this.#empty(slot);
    return slot;
  }

  #empty(slot: number): void {
    const sizes = this.#sizes;
    if (sizes !== undefined) {
      this.#totalBytes -= sizes[slot] ?? 0;
      sizes[slot] = 0;
    }
    this.#slots.delete(this.#keys[slot] as string);
    this.#keys[slot] = undefined;
    this.#values[slot] = undefined;
    if (slot < this.#notes.length) this.#notes[slot] = undefined;
  }

  /**
   * The slot to evict: the first one at or after the hand that is expired or not used since the
   * hand last passed it. At most one full turn plus one step when every slot is taken; over
   * `maxBytes`, empty slots and `keep` (the entry just written) are passed over.
   */
  #victim(keep = -1): number {
    const flags = this.#flags;
    const expiries = this.#expiresAt;
    const keys = this.#keys;
    const count = keys.length;
    const now = this.#now();
    for (;;) {
      const slot = this.#hand;
      this.#hand = slot + 1 === count ? 0 : slot + 1;
      if (slot === keep || keys[slot] === undefined) continue;
      const expiresAt = expiries[slot] as number;
      const flag = flags[slot] as number;
      if ((flag & USED) === 0 || (expiresAt !== 0 && expiresAt <= now)) return slot;
      flags[slot] = flag & ~USED;
    }
  }

  #grow(): void {
    const slots = Math.min(this.#flags.length * 2, this.#maxEntries);
    const expiresAt = new Float64Array(slots);
    expiresAt.set(this.#expiresAt);
    this.#expiresAt = expiresAt;
    const flags = new Uint8Array(slots);
    flags.set(this.#flags);
    this.#flags = flags;
  }
}
