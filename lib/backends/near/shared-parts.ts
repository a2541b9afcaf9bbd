/**
 * Repeated parts of held values, kept once. Data read from a remote store repeats short strings
 * (statuses, roles, country codes, the core's entry mark and tag versions) at every level, and each
 * decoded entry has its own copy of each: 32 bytes or more apiece, where a `Map` of values built by
 * the application shares one literal. A string is a value (two equal strings cannot be told
 * apart), so putting the kept one in place of an equal one changes nothing a caller can see.
 *
 * With `leaves`, arrays and objects that hold only primitives (a list of roles, a small record of
 * codes) are kept once too. Two holders then share one object, so this is only for data that no
 * caller ever holds or changes: the near tier's own copies under `copy`, handed out as copies.
 *
 * Only the miss path shares (when a value is kept); a hit reads what is held as before.
 */
import { RepeatTable } from './repeat-table';

/** Longer strings are left as they are: what repeats is short, and long texts rarely do. */
const MAX_STRING_LENGTH = 64;
/** Leaves with more members, or a longer JSON text, are left as they are. */
const MAX_LEAF_MEMBERS = 16;
const MAX_LEAF_TEXT = 256;
/** Levels walked: deeper parts of a value are left as they are. */
const MAX_DEPTH = 32;
/** Bounds of the tables (see `RepeatTable`): a few hundred kilobytes at most, whatever is cached. */
const MAX_CANDIDATES = 2048;
const MAX_KEPT = 2048;

type Container = Record<string | number, unknown>;

export class SharedParts {
  readonly #strings: RepeatTable<string>;
  readonly #leaves = new RepeatTable<object>(MAX_CANDIDATES, MAX_KEPT);

  /** `strings`: where strings are kept (a table of its own unless given). */
  constructor(strings: RepeatTable<string> = new RepeatTable(MAX_CANDIDATES, MAX_KEPT)) {
    this.#strings = strings;
  }

  /**
   * Puts the kept equal of each repeated short string (and, with `leaves`, of each repeated leaf)
   * in place throughout `value`, data of the near tier's own: only plain objects and arrays are
   * walked (a Date, a Map, a class instance is left as it is). Data that refuses a change (a
   * frozen object a custom serializer decoded, say) is left as it is from there on.
   */
  share(value: unknown, leaves: boolean): void {
    if (!isPlainContainer(value)) return;
    try {
      this.#walk(value as Container, leaves, 0);
    } catch {
      // Sharing only saves memory: what was shared before the refusal stays shared, and equal.
    }
  }

  /** Shares the members of `node`; whether it holds only primitives (a leaf). */
  #walk(node: Container, leaves: boolean, depth: number): boolean {
    let leaf = true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (!this.#shareMember(node, i, leaves, depth)) leaf = false;
    } else {
      for (const key in node) if (Object.hasOwn(node, key) && !this.#shareMember(node, key, leaves, depth)) leaf = false;
    }
    return leaf;
  }

  /** Shares `node[key]`; whether it is a primitive. */
  #shareMember(node: Container, key: string | number, leaves: boolean, depth: number): boolean {
    const item = node[key];
    if (typeof item === 'string') {
      if (item.length <= MAX_STRING_LENGTH) node[key] = this.#strings.shared(item, item);
      return true;
    }
    if (typeof item !== 'object' || item === null) return true;
    if (depth < MAX_DEPTH && isPlainContainer(item) && this.#walk(item as Container, leaves, depth + 1) && leaves) {
      const kept = this.#keptLeaf(item);
      if (kept !== item) node[key] = kept;
    }
    return false;
  }

  /** The kept leaf equal to `leaf` (its strings already shared), or `leaf` itself. */
  #keptLeaf(leaf: object): object {
    if ((Array.isArray(leaf) ? leaf.length : Object.keys(leaf).length) > MAX_LEAF_MEMBERS) return leaf;
    // Plain data of a copy (finite numbers, no -0): equal JSON texts mean equal leaves.
    const text = JSON.stringify(leaf);
    return text.length > MAX_LEAF_TEXT ? leaf : this.#leaves.shared(text, leaf);
  }
}

/** Whether `value` is an array or an object with `Object.prototype` or none: plain data to walk. */
function isPlainContainer(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}
