/**
 * The reads and writes of a near cache that are waiting for the remote store, and the
 * invalidations that reached this process meanwhile. A reply may only be kept in memory if no
 * invalidation of its key arrived while it was on its way: the push and the reply travel on
 * different connections, so the push of a change made just after the read may come first, and
 * keeping the reply would then keep the old value for good.
 */

/** One call waiting for the remote store. */
export interface Ticket {
  readonly keys: readonly string[];
  /** The epoch it was opened in: a flush or a change of trust starts a new one and spoils it all. */
  readonly epoch: number;
  /** Keys invalidated while it waited; `undefined` while none were. */
  spoiled: Set<string> | undefined;
}

/** The open tickets, by key. */
export class InFlight {
  #epoch = 0;
  readonly #byKey = new Map<string, Set<Ticket>>();

  /** A ticket for a call about to be sent for `keys`. */
  open(keys: readonly string[]): Ticket {
    const ticket: Ticket = { keys, epoch: this.#epoch, spoiled: undefined };
    for (const key of keys) {
      let open = this.#byKey.get(key);
      if (!open) {
        open = new Set();
        this.#byKey.set(key, open);
      }
      open.add(ticket);
    }
    return ticket;
  }

  /** An invalidation of `key` arrived: no call waiting for it may keep its reply. */
  spoil(key: string): void {
    const open = this.#byKey.get(key);
    if (!open) return;
    for (const ticket of open) (ticket.spoiled ??= new Set()).add(key);
  }

  /** Everything was invalidated (a flush), or trust changed: no call waiting now may keep its reply. */
  spoilAll(): void {
    this.#epoch++;
  }

  /** Closes `ticket`; returns a test of whether the reply for a key of it may be kept. */
  close(ticket: Ticket): (key: string) => boolean {
    for (const key of ticket.keys) {
      const open = this.#byKey.get(key);
      open?.delete(ticket);
      if (open?.size === 0) this.#byKey.delete(key);
    }
    if (ticket.epoch !== this.#epoch) return never;
    const spoiled = ticket.spoiled;
    return spoiled === undefined ? always : (key) => !spoiled.has(key);
  }
}

const never = (): boolean => false;
const always = (): boolean => true;
