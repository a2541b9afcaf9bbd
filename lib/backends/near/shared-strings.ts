/**
 * Strings that repeat at the top level of held values, kept once. Every entry of the core starts
 * with the same mark (`easy-cache:3`) and many carry the same `version`; decoded from the remote
 * store, each entry has its own copy of each (32 bytes apiece). A string is a value (two equal
 * strings cannot be told apart), so putting the one kept here in its place changes nothing a
 * caller can see.
 */

/** Strings longer than this are not looked up: marks and versions are short, and long texts rarely repeat. */
const MAX_LENGTH = 64;
/** The most strings kept: the first ones seen (the mark comes with the first entry). */
const MAX_STRINGS = 256;

export class SharedStrings {
  readonly #kept = new Map<string, string>();

  /** Puts the kept string in place of each equal one at the top level of `value`, a plain object of the near tier's own. */
  share(value: unknown): void {
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return;
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (typeof item !== 'string' || item.length > MAX_LENGTH || !Object.hasOwn(record, key)) continue;
      const kept = this.#kept.get(item);
      // `===` cannot tell two equal strings apart: the kept one is put in place whenever there is one.
      if (kept !== undefined) record[key] = kept;
      else if (this.#kept.size < MAX_STRINGS) this.#kept.set(item, item);
    }
  }
}
