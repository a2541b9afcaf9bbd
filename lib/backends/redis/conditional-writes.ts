/**
 * The writes of a `RedisCache` that depend on what the key holds: `add` (`SET ... NX`), `touch`
 * (`PEXPIRE ... GT`), a lock's compare-and-delete and the compare-and-set `rewrite`. Each is
 * atomic on the server.
 */
import { NOT_FOUND, type BackendTimeout, type EntryRewrite } from '../backend';
import type { Codec } from '../shared/codec';
import { EXPIRE_NOW } from '../shared/expiry';
import { ClusterCommands } from './cluster-commands';
import { deleteIfEqualsScript, extendAllBySlot, rewriteIfEqualsScript, setOne, type CommandTarget } from './slot-commands';

/** What `ConditionalWrites` uses of its `RedisCache`. */
export interface RedisWriteParts {
  readonly target: CommandTarget;
  readonly codec: Codec;
  /** Runs one client call under the backend's pending limit; a failure becomes a `BackendError`. */
  call<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T>;
  storedKey(key: string): string;
  /** `value` as text, its size checked. */
  encode(key: string, value: unknown): string;
  /** A write's `PX` milliseconds, `null` for no expiry, or `EXPIRE_NOW`. */
  expiry(operation: string, timeout: BackendTimeout): number | null | typeof EXPIRE_NOW;
}

export class ConditionalWrites {
  readonly #parts: RedisWriteParts;

  constructor(parts: RedisWriteParts) {
    this.#parts = parts;
  }

  /** `SET key value PX ms NX`; whether it stored. A value that would expire at once is never stored, so nothing is sent. */
  async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    const { target, call, storedKey, encode, expiry: expiryOf } = this.#parts;
    const text = encode(key, value);
    const expiry = expiryOf('add', timeout);
    if (expiry === EXPIRE_NOW) return false;
    const stored = storedKey(key);
    return (await call('add', key, () => setOne(target, stored, text, expiry, true))) === 'OK';
  }

  /**
   * `PEXPIRE key ms GT` of each key (`PERSIST` for `null`), in one pipeline (one per hash slot on
   * a Cluster): an expiry is only lengthened, a missing key stays missing. Needs Redis 7.
   */
  async touch(keys: readonly string[], timeout?: BackendTimeout): Promise<void> {
    const { target, call, storedKey, expiry: expiryOf } = this.#parts;
    if (keys.length === 0) return;
    const expiry = expiryOf('touch', timeout);
    // A timeout of 0 or less would shorten, which touch never does.
    if (expiry === EXPIRE_NOW) return;
    const stored = keys.map(storedKey);
    await call('touch', keys[0], () => extendAllBySlot(target, stored, expiry));
  }

  /** `EVAL` of a compare-and-delete script: `DEL` only if the key holds `expected` (as the backend encodes it). */
  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    const { target, call, storedKey, codec } = this.#parts;
    const text = codec.encode(key, expected);
    const stored = storedKey(key);
    return (await call('deleteIfEquals', key, () => deleteIfEqualsScript(target, stored, text))) === 1;
  }

  /**
   * `GET`, then `change`, then an `EVAL` that writes what it says only if the key still holds the
   * text read (see `rewriteIfEqualsScript`): two round trips. A key read missing is written with `NX`.
   */
  async rewrite(key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
    const { target, call, storedKey, codec, encode, expiry: expiryOf } = this.#parts;
    const stored = storedKey(key);
    const read = await call('rewrite', key, () => (target instanceof ClusterCommands ? target.command<string | null>('get', [stored]) : target.get(stored)));
    const next = change(read === null ? NOT_FOUND : codec.decode(key, read));
    if (next === 'keep') return true;
    const expiry = next === 'delete' ? EXPIRE_NOW : expiryOf('rewrite', next.timeout);
    if (next === 'delete' || expiry === EXPIRE_NOW) {
      return read === null || (await call('rewrite', key, () => rewriteIfEqualsScript(target, stored, read, null))) === 1;
    }
    const text = encode(key, next.value);
    if (read === null) return (await call('rewrite', key, () => setOne(target, stored, text, expiry, true))) === 'OK';
    return (await call('rewrite', key, () => rewriteIfEqualsScript(target, stored, read, { text, expiry }))) === 1;
  }
}
