import { cloneSnapshot, cloneSnapshotUnpooled } from '../../serializer/clone-snapshot';
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
 * the common case of a cache) is then copied from that copy, about a fifth of what parsing its
 * text again costs, instead of parsed. Each reader gets a copy of its own, equal to what decoding
 * would give (`cloneSnapshot`), so nothing a caller does to its value reaches another.
 *
 * A key's first text is kept alone (no decoded copy): a key read once, as in a scan, costs its
 * text, never a second copy of its value. Bounded by keys and by characters of text, evicted
 * CLOCK-wise; texts longer than a sixteenth of `maxChars`, or shorter than `MIN_MEMO_CHARS`, are
 * not kept. Only for the default serializer, whose values `cloneSnapshot` copies exactly.
 *
 * @example
 * const memo = new DecodeMemo({ maxEntries: 1000, maxChars: 1_000_000 });
 * let value = memo.copyOf('user:1', text);
 * if (value === NOT_KEPT) memo.keep('user:1', text, (value = taggedJson.decode(text)));
 */
export class DecodeMemo {
  // A slot holds the key's last text; its note, the decoded copy (dropped when the text changes).
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

  /** A copy of what `text` decoded to when it was last read under `key` (and kept), or `NOT_KEPT`. */
  copyOf(key: string, text: string): unknown {
    if (!this.#fits(text)) return NOT_KEPT;
    const texts = this.#texts;
    const slot = texts.slotOf(key);
    if (slot === -1 || texts.use(slot) !== text) return NOT_KEPT;
    const kept = texts.noteOf(slot);
    return kept === undefined ? NOT_KEPT : cloneSnapshot(kept);
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
    else if (typeof value === 'object' && value !== null) texts.setNote(slot, cloneSnapshotUnpooled(value));
  }

  #fits(text: string): boolean {
    return text.length >= MIN_MEMO_CHARS && text.length <= this.#maxTextChars;
  }
}

/**
 * `text` in memory of its own. A client may hand out a slice of a whole response (the memcached
 * client does: its values are slices of the response it split), and a kept slice would keep that
 * response alive; V8 flattens a concatenation before slicing it, so this slice's parent is a new
 * string one character longer than `text`.
 */
function ownText(text: string): string {
  return (' ' + text).slice(1);
}

/** What `copyOf` returns for a text it holds no value of. */
export const NOT_KEPT: unique symbol = Symbol('not kept');
