/**
 * A bounded table of things seen at least twice, each kept once. A thing seen for the first time
 * is only a candidate; seen again, the first one seen is kept and given back for every later equal
 * one. Unique things (ids, emails, timestamps) therefore never take the table's room: they fill
 * the candidates, which are dropped all at once when full, and only what repeats while it is a
 * candidate is kept. The kept table is dropped all at once when full too, so it follows what
 * repeats now rather than what repeated first.
 */
export class RepeatTable<T> {
  readonly #candidates = new Map<string, T>();
  readonly #kept = new Map<string, T>();
  readonly #maxCandidates: number;
  readonly #maxKept: number;

  constructor(maxCandidates: number, maxKept: number) {
    this.#maxCandidates = maxCandidates;
    this.#maxKept = maxKept;
  }

  /** How many things are kept (seen twice) now. */
  get keptCount(): number {
    return this.#kept.size;
  }

  /** How many things were seen once and wait to be seen again. */
  get candidateCount(): number {
    return this.#candidates.size;
  }

  /** The one kept for `id`, which `item` is equal to: the first seen if `id` was seen before, else `item` itself. */
  shared(id: string, item: T): T {
    const kept = this.#kept.get(id);
    if (kept !== undefined) return kept;
    const first = this.#candidates.get(id);
    if (first !== undefined) {
      this.#candidates.delete(id);
      if (this.#kept.size >= this.#maxKept) this.#kept.clear();
      this.#kept.set(id, first);
      return first;
    }
    if (this.#candidates.size >= this.#maxCandidates) this.#candidates.clear();
    this.#candidates.set(id, item);
    return item;
  }
}
