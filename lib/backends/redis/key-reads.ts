/**
 * The read of one key on Redis, `RedisCache.get` and `readInto`: one `GET` (on a stand-alone
 * Redis gathered into an `MGET` while a lone one awaits its reply, see `ReadBatcher`), decoded by
 * the backend's codec, whose decode memo foresees the value while Redis answers.
 */
import { NOT_FOUND, type Foresee, type ReadReceiver } from '../backend';
import type { BackendError } from '../../errors';
import type { Codec, Expected } from '../shared/codec';
import type { ConnectionWatch } from '../shared/connection-watch';
import type { PendingLimit } from '../shared/pending-limit';
import type { ReadBatcher } from '../shared/read-batch';
import { failure } from './redis-failure';

/** The parts of a `RedisCache` that its reads use. */
export interface KeyReadParts {
  readonly codec: Codec;
  readonly pending: PendingLimit;
  readonly watch: ConnectionWatch;
  readonly storedKey: (key: string) => string;
  /** Why a call must not be sent now (closed, or too many waiting), or undefined; a call let in counts as pending. */
  readonly refusal: (operation: string, key: string) => BackendError | undefined;
  /** The gathered reads of a stand-alone Redis; `undefined` on a Cluster, where each read is a `GET` of its own. */
  readonly reads: ReadBatcher<string | null> | undefined;
  /** One `GET` of a stored key, for a Cluster (which rides out failovers and moving slots). */
  readonly sendGet: (stored: string) => Promise<string | null>;
}

/** `get` and `readInto` of a `RedisCache`: the hot path, with no `#call` closure or async frames (garbage with 64 calls in flight). */
export class KeyReads {
  readonly #parts: KeyReadParts;

  constructor(parts: KeyReadParts) {
    this.#parts = parts;
  }

  /** `GET`: the value, or `NOT_FOUND`; rejects with `SerializationError` for data it cannot decode. */
  get(key: string, foresee?: Foresee): Promise<unknown> {
    const parts = this.#parts;
    const refused = parts.refusal('get', key);
    if (refused) return Promise.reject(refused);
    const reply = this.#sent(parts.storedKey(key));
    const expected = parts.codec.expect(key, foresee); // once the read has left: a kept value is copied while Redis answers
    return reply.then(
      (text) => this.#decoded(text, key, expected),
      (error: unknown) => {
        throw this.#failure(error, key);
      },
    );
  }

  /**
   * `get`, its outcome handed to `receiver` in the one reaction to the reply: a read that leaves
   * alone is not watched by the batcher's own reaction either (`ReadBatcher.sendAlone`).
   */
  readInto(key: string, receiver: ReadReceiver): void {
    const parts = this.#parts;
    const refused = parts.refusal('get', key);
    if (refused) {
      queueMicrotask(() => receiver.receive(refused, false));
      return;
    }
    const { reads } = parts;
    const stored = parts.storedKey(key);
    const alone = reads?.sendAlone(stored);
    const reply = alone ?? this.#sent(stored);
    const expected = parts.codec.expect(key); // once the read has left: a kept value is copied while Redis answers
    if (expected !== undefined) receiver.foresee(expected.copy);
    reply.then(
      (text) => {
        if (alone !== undefined) reads?.aloneAnswered();
        let value: unknown;
        try {
          value = this.#decoded(text, key, expected);
        } catch (error) {
          receiver.receive(error, false);
          return;
        }
        receiver.receive(value, true);
      },
      (error: unknown) => {
        if (alone !== undefined) reads?.aloneAnswered();
        receiver.receive(this.#failure(error, key), false);
      },
    );
  }

  /** The reply to a `GET` of `stored`: gathered on a stand-alone Redis, alone on a Cluster; a throw becomes a rejection. */
  #sent(stored: string): Promise<string | null> {
    const { reads, sendGet } = this.#parts;
    try {
      return reads === undefined ? sendGet(stored) : reads.read(stored);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The value of a reply (`NOT_FOUND` for none), the call counted out first. */
  #decoded(text: string | null, key: string, expected: Expected | undefined): unknown {
    this.#parts.pending.release();
    return text === null ? NOT_FOUND : this.#parts.codec.decode(key, text, expected);
  }

  /** The `BackendError` of a failed read, the call counted out first. */
  #failure(error: unknown, key: string): BackendError {
    this.#parts.pending.release();
    return failure('get', key, error, this.#parts.watch);
  }
}
