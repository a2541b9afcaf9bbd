/**
 * What the near tier holds: a `ClockStore` of values kept as `HeldCopies` keeps them (or as they
 * are, without `copy`), their repeated parts shared (`SharedParts`).
 *
 * An object of the tier's own (a copy, or decoded for a read) with exactly two members, a string
 * `m` and a value `v` (the core's entry of an untagged value, the most common thing held), is held
 * as its `v` alone, its `m` kept once and named by the slot's form: the wrapper object cost 40
 * bytes per entry. A hit lends it through a wrapper of the store's own (`lend`), filled for that
 * read, which the hit path reads at once and never keeps; every other read gets a wrapper of its
 * own. A caller's object (written with `copy: false`) is held as it is.
 */
import { cloneNoted } from '../../serializer/clone-plan';
import { clonePlainJson } from '../../serializer/plain-json-copy';
import { NOT_FOUND } from '../backend';
import { ClockStore } from '../memory/clock-store';
import { VALUE_MEMBER } from '../memory/kept-value';
import { isLendable, type HeldCopies } from './held-copies';
import { SharedParts } from './shared-parts';

/** The form of a slot holding a value as it was kept; forms above it hold the `v` of a bare pair, the mark `#marks[form - 1]`. */
const AS_KEPT = 0;
/** The most forms a `ClockStore` slot holds. */
const MAX_FORM = 127;

type Pair = { m: string; v: unknown };

export class HeldStore {
  readonly #entries: ClockStore;
  readonly #now: () => number;
  /** With `copy`: how values are kept and handed out; `undefined`: as they are. */
  readonly #copies: HeldCopies | undefined;
  readonly #shared = new SharedParts();
  /** The marks of bare pairs (`m`), each kept once; a slot's form is its index plus one. */
  readonly #marks: string[] = [];
  /** One wrapper per mark, lent by `lend` with the `v` of the read filled in. */
  readonly #lenses: Pair[] = [];
  /** The slot `lend` read last (-1: none), whose value's parts `copyOut` copies by the slot's plan. */
  #lentSlot = -1;

  constructor(maxEntries: number, now: () => number, copies: HeldCopies | undefined) {
    this.#entries = new ClockStore(maxEntries, now);
    this.#now = now;
    this.#copies = copies;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Keeps `value` under `key` for `lifeMs` (> 0; `Infinity`: as long as memory allows). `decoded`:
   * the value was decoded for this read and is the tier's own (never a caller's object).
   * @throws SerializationError for a value that cannot be copied.
   */
  keep(key: string, value: unknown, lifeMs: number, decoded: boolean): void {
    const kept = this.#copies === undefined ? value : this.#copies.keep(key, value);
    // Only what is the tier's own: a copy, or a value decoded for this read (never a caller's
    // object); leaves are shared only by copies, which no caller holds.
    const own = this.#copies !== undefined || decoded;
    if (own) this.#shared.share(kept, this.#copies !== undefined);
    const expiresAt = lifeMs === Infinity ? 0 : this.#now() + lifeMs;
    const form = own ? this.#pairForm(kept) : AS_KEPT;
    this.#entries.write(key, form === AS_KEPT ? kept : (kept as Pair).v, form, expiresAt);
  }

  /** A caller's copy of what is held under `key` (as it is without `copy`), or `NOT_FOUND`; a use. */
  getSync(key: string, now?: number): unknown {
    const slot = this.#entries.liveSlotOf(key, now);
    if (slot === -1) return NOT_FOUND;
    const held = this.#entries.use(slot);
    const form = this.#entries.formOf(slot);
    const copies = this.#copies;
    if (form === AS_KEPT) return copies === undefined ? held : copies.handOut(key, held);
    const value = copies === undefined || typeof held !== 'object' || held === null ? held : cloneNoted(this.#entries, slot, held);
    return { m: this.#marks[form - 1], v: value };
  }

  /** What is held under `key` itself (a bare pair in the lent wrapper), to be read at once and never kept; `NOT_FOUND` also for a value held as text. */
  lend(key: string, now?: number): unknown {
    const slot = this.#entries.liveSlotOf(key, now);
    this.#lentSlot = slot;
    if (slot === -1) return NOT_FOUND;
    const held = this.#entries.use(slot);
    const form = this.#entries.formOf(slot);
    if (form === AS_KEPT) return isLendable(held) ? held : NOT_FOUND;
    const lens = this.#lenses[form - 1] as Pair;
    lens.v = held;
    return lens;
  }

  /** What a caller may be given of `part`, a member of what `lend` lent: a copy with `copy` (by the slot's plan when it is the lent value's `v`), else `part`. */
  copyOut(part: unknown): unknown {
    if (this.#copies === undefined || typeof part !== 'object' || part === null) return part;
    const slot = this.#lentSlot;
    return slot !== -1 && this.#isLentPart(slot, part) ? cloneNoted(this.#entries, slot, part) : clonePlainJson(part);
  }

  /** Whether `part` is the `v` of what `slot` holds now (it may hold another value since it was lent: its plan went with the old one). */
  #isLentPart(slot: number, part: object): boolean {
    const held = this.#entries.valueAt(slot);
    if (this.#entries.formOf(slot) !== AS_KEPT) return held === part;
    return typeof held === 'object' && held !== null && (held as Record<string, unknown>)[VALUE_MEMBER] === part;
  }

  /** The slot holding `key` (expired or not), or -1: the one `lend` read last when it holds `key`, found without a lookup. */
  slotOf(key: string): number {
    const lent = this.#lentSlot;
    return lent !== -1 && this.#entries.keyAt(lent) === key ? lent : this.#entries.slotOf(key);
  }

  /** Until when (ms on the clock; `Infinity`: never) the entry under `key` lives, or -1 if none is live at `now`; not a use. */
  liveUntil(key: string, now: number): number {
    const slot = this.#entries.liveSlotOf(key, now);
    return slot === -1 ? -1 : this.#entries.expiryOf(slot) || Infinity;
  }

  delete(key: string): void {
    const slot = this.#entries.slotOf(key);
    if (slot !== -1) this.#entries.remove(slot);
  }

  clear(): void {
    this.#entries.clear();
    this.#lentSlot = -1;
  }

  /** The form to hold `kept` in: a bare pair's (its mark's index plus one), or `AS_KEPT`. */
  #pairForm(kept: unknown): number {
    if (typeof kept !== 'object' || kept === null || Object.getPrototypeOf(kept) !== Object.prototype) return AS_KEPT;
    let members = 0;
    for (const key in kept) if ((members++ === 0 ? key !== 'm' : key !== VALUE_MEMBER) || !Object.hasOwn(kept, key)) return AS_KEPT;
    const mark = (kept as Partial<Pair>).m;
    if (members !== 2 || typeof mark !== 'string') return AS_KEPT;
    let index = this.#marks.indexOf(mark);
    if (index === -1) {
      if (this.#marks.length === MAX_FORM) return AS_KEPT;
      index = this.#marks.push(mark) - 1;
      this.#lenses.push({ m: mark, v: undefined });
    }
    return index + 1;
  }
}
