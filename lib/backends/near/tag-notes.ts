/**
 * Per slot of the near tier's store: until when the entry held there had every tag version held
 * and current (`NearTier.noteTagsCurrent`), so that its next hit reads one key, not seven. A note
 * counts only in the generation it was made in, and any change to what is held starts a new one:
 * all notes go void at once, without a walk, and an entry is never judged by versions that changed
 * since (a slot given to another key is a change too). Kept in two arrays indexed by slot, grown
 * only as far as the highest slot noted: no lookup by key, no object per entry.
 */
export class TagNotes {
  readonly #until: number[] = [];
  readonly #madeIn: number[] = [];
  #generation = 0;

  /** Anything held changed: every note is void. */
  voidAll(): void {
    this.#generation++;
  }

  /** Notes that the entry in `slot` has its tag versions current until `until` (ms on the clock; `Infinity`: never ending). */
  note(slot: number, until: number): void {
    const madeIn = this.#madeIn;
    // Filled up to `slot` first, so the arrays stay packed.
    while (madeIn.length < slot) {
      madeIn.push(-1);
      this.#until.push(0);
    }
    madeIn[slot] = this.#generation;
    this.#until[slot] = until;
  }

  /** Until when the entry in `slot` was noted current in this generation, or -1. */
  until(slot: number): number {
    return slot >= 0 && slot < this.#madeIn.length && this.#madeIn[slot] === this.#generation ? (this.#until[slot] as number) : -1;
  }
}
