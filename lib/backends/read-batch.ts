/** Most keys sent in one multi-key read; a tick that asks for more opens another batch. */
export const MAX_BATCH_KEYS = 256;

/** The reads asked for in one tick, sent together once that tick's synchronous work is done. */
export class ReadBatch<R> {
  /** The keys in the order asked; a reader's reply is at the index its key was pushed at. */
  readonly keys: string[] = [];
  /** The replies, in the order of `keys`. */
  readonly replies: Promise<readonly R[]>;
  settle!: (replies: Promise<readonly R[]>) => void;

  constructor() {
    this.replies = new Promise<readonly R[]>((resolve) => {
      this.settle = resolve;
    });
  }
}

/**
 * Gathers the reads of one tick into one multi-key read (an `MGET`, a `get k1 k2 ...`): with 64
 * hits in flight the server, the client and its parser handle one command and one reply instead
 * of 64, which is most of what a hit costs over a raw `GET` there. The batch leaves in a
 * `process.nextTick`, before any I/O, so a read alone in its tick waits for nothing (`send` then
 * gets one key and may use the single-key command).
 *
 * @example
 * const reads = new ReadBatcher((keys) => (keys.length === 1 ? get(keys[0]).then((t) => [t]) : mget(keys)));
 * const batch = reads.join('user:1');
 * const index = batch.keys.length - 1;
 * const text = (await batch.replies)[index];
 */
export class ReadBatcher<R> {
  readonly #send: (keys: readonly string[]) => Promise<readonly R[]>;
  #open: ReadBatch<R> | undefined;

  /** `send` reads `keys` and resolves to their replies in the same order; it may throw. */
  constructor(send: (keys: readonly string[]) => Promise<readonly R[]>) {
    this.#send = send;
  }

  /** Adds `key` to this tick's batch and returns the batch; the key's reply is at the index it was pushed at. */
  join(key: string): ReadBatch<R> {
    let batch = this.#open;
    if (batch === undefined || batch.keys.length >= MAX_BATCH_KEYS) {
      batch = new ReadBatch<R>();
      this.#open = batch;
      process.nextTick(this.#flush, batch);
    }
    batch.keys.push(key);
    return batch;
  }

  readonly #flush = (batch: ReadBatch<R>): void => {
    if (this.#open === batch) this.#open = undefined;
    try {
      batch.settle(this.#send(batch.keys));
    } catch (error) {
      batch.settle(Promise.reject(error));
    }
  };
}
