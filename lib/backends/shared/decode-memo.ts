import { cloneByPlan, planFor, type ClonePlan } from '../../serializer/clone-plan';
import { cloneSnapshot, cloneSnapshotUnpooled } from '../../serializer/clone-snapshot';
import { copyPlainJson, NOT_PLAIN } from '../../serializer/plain-json-copy';
import { ClockStore } from '../memory/clock-store';

/** What a `DecodeMemo` holds, at most: keys, and characters of their texts together. */
export interface DecodeMemoSettings {
  readonly maxEntries: number;
  readonly maxChars: number;
}

/**
 * Texts shorter than this are parsed every time: a `JSON.parse` of them costs about what a
 * lookup and a copy cost (a tag's version is one such text).
 */
export const MIN_MEMO_CHARS = 64;

/**
 * The last text a remote backend read under each key, and a private copy of what it decoded to
 * once the same text came back twice: a key read again unchanged (a hot key between two writes,
 * the common case of a cache) is then copied from that copy, about a tenth of what parsing its
 * text again costs, instead of parsed. Each reader gets a copy of its own, equal to what decoding
 * would give (see `KeptValue`), so nothing a caller does to its value reaches another. A backend
 * asks for the copy as its read leaves (`expect`), so that it is made while the server answers.
 *
 * A key's first text is kept alone (no decoded copy): a key read once, as in a scan, costs its
 * text, never a second copy of its value. Bounded by keys and by characters of text, evicted
 * CLOCK-wise; texts longer than a sixteenth of `maxChars`, or shorter than `MIN_MEMO_CHARS`, are
 * not kept. Only for the default serializer, whose values it copies exactly.
 *
 * @example
 * const memo = new DecodeMemo({ maxEntries: 1000, maxChars: 1_000_000 });
 * const expected = memo.expect('user:1'); // as the read leaves
 * let value = expected === undefined ? memo.copyOf('user:1', text) : expected.of(text);
 * if (value === NOT_KEPT) memo.keep('user:1', text, (value = taggedJson.decode(text)));
 */
export class DecodeMemo {
  // A slot holds the key's last text; its note, the decoded copy as a `KeptValue` (dropped when the text changes).
  readonly #texts: ClockStore;
  readonly #maxTextChars: number;

  constructor(settings: DecodeMemoSettings) {
    this.#texts = new ClockStore(settings.maxEntries, () => 0, settings.maxChars);
    this.#maxTextChars = Math.floor(settings.maxChars / 16);
  }

  /** How many keys are held (for tests and sizing). */
  get size(): number {
    return this.#texts.size;
  }

  /**
   * For a read of `key` under way: the text last read under it and a copy of its value, when one
   * is kept (else `undefined`). Made while the read awaits its reply, so that an unchanged reply
   * costs one comparison (`Expected.of`); the copy is wasted only when the text changed.
   */
  expect(key: string): Expected | undefined {
    const texts = this.#texts;
    const slot = texts.slotOf(key);
    if (slot === -1) return undefined;
    const kept = texts.noteOf(slot) as KeptValue | undefined;
    return kept === undefined ? undefined : new Expected(texts.use(slot) as string, kept.copy());
  }

  /** A copy of what `text` decoded to when it was last read under `key` (and kept), or `NOT_KEPT`. */
  copyOf(key: string, text: string): unknown {
    if (!this.#fits(text)) return NOT_KEPT;
    const texts = this.#texts;
    const slot = texts.slotOf(key);
    if (slot === -1 || texts.use(slot) !== text) return NOT_KEPT;
    const kept = texts.noteOf(slot) as KeptValue | undefined;
    return kept === undefined ? NOT_KEPT : kept.copy();
  }

  /**
   * Notes that `text`, read under `key`, decoded to `value` (which the caller hands out): a new
   * text is kept alone; the same text a second time gets a copy of `value` of its own.
   */
  keep(key: string, text: string, value: unknown): void {
    if (!this.#fits(text)) return;
    const texts = this.#texts;
    const slot = texts.slotOf(key);
    if (slot === -1 || texts.valueAt(slot) !== text) texts.write(key, ownText(text), 0, 0, text.length);
    else if (typeof value === 'object' && value !== null) texts.setNote(slot, KeptValue.of(value));
  }

  #fits(text: string): boolean {
    return text.length >= MIN_MEMO_CHARS && text.length <= this.#maxTextChars;
  }
}

/**
 * A decoded value kept to be copied. Plain JSON data (most values) is copied by a plan found
 * once, which names the members holding objects (clone-plan.ts): a third less than
 * `cloneSnapshot` costs, which looks at every member of every level on every copy. Anything
 * else (a `Date`, a `Map`, `-0`...) is copied by `cloneSnapshot`.
 */
class KeptValue {
  private constructor(
    readonly value: object,
    /** The plan (`null`: too large to plan), or `SNAPSHOT` for data that is not plain JSON. */
    readonly plan: ClonePlan | null | typeof SNAPSHOT,
  ) {}

  /** A private copy of `value`, as decoding gave it. */
  static of(value: object): KeptValue {
    const plain = copyPlainJson(value);
    return plain === NOT_PLAIN ? new KeptValue(cloneSnapshotUnpooled(value) as object, SNAPSHOT) : new KeptValue(plain as object, planFor(plain as object));
  }

  /** A copy for one reader, equal to what decoding the text again would give. */
  copy(): unknown {
    const { value, plan } = this;
    return plan === SNAPSHOT ? cloneSnapshot(value) : cloneByPlan(value, plan);
  }
}

const SNAPSHOT: unique symbol = Symbol('copied by cloneSnapshot');

/**
 * `text` in memory of its own. A client may hand out a slice of a whole response (the memcached
 * client does: its values are slices of the response it split), and a kept slice would keep that
 * response alive. Rebuilt from its UTF-8 bytes it is a flat string, which the next reply's text is
 * compared with at memcmp speed (a slice of it compared three times slower). Text that UTF-8
 * cannot carry (a lone surrogate) is copied as a slice of a new string one character longer.
 */
function ownText(text: string): string {
  const rebuilt = Buffer.from(text, 'utf8').toString('utf8');
  return rebuilt === text ? rebuilt : (' ' + text).slice(1);
}

/** A key's kept text and a copy of its value, taken before a read of the key came back (`DecodeMemo.expect`). */
export class Expected {
  constructor(
    readonly text: string,
    readonly copy: unknown,
  ) {}

  /** The copy when the reply is the text expected, else `NOT_KEPT`: the copy is handed out once, to the read it was made for. */
  of(text: string): unknown {
    return text === this.text ? this.copy : NOT_KEPT;
  }
}

/** What `copyOf` returns for a text it holds no value of. */
export const NOT_KEPT: unique symbol = Symbol('not kept');
