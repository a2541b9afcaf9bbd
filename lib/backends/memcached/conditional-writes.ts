/**
 * The writes of a `MemcachedCache` that depend on what the key holds: `add`, a lock's
 * compare-and-delete and the compare-and-set `rewrite`, the last two with `gets` and `cas`.
 */
import { NOT_FOUND, type BackendTimeout, type EntryRewrite } from '../backend';
import { EXPIRE_NOW, writeExpiry, type WriteExpiry } from '../shared/expiry';
import { answer, stored } from './client-replies';
import { toExptime } from './expiry';
import type { MemcachedClient } from './memcached-client';
import type { ClientCallback } from './pending-calls';

/** What `ConditionalWrites` uses of its `MemcachedCache`. */
export interface MemcachedWriteParts {
  readonly client: MemcachedClient;
  readonly defaultTimeout: number | null;
  /** One client call through the backend's pending-call bound. */
  run<T>(operation: string, key: string, invoke: (done: ClientCallback) => void, interpret: (error: unknown, result: unknown) => T): Promise<T>;
  /** The memcached key of a caller's key. */
  safeKey(key: string): string;
  /** Stored text as a value; `SerializationError` for anything easy-cache did not write. */
  decode(key: string, raw: unknown): unknown;
  /** `value` as text. */
  encode(key: string, value: unknown): string;
  /** Throws `ValueTooLargeError` for text over the item size limit. */
  checkSize(key: string, safeKey: string, text: string): void;
}

/** A `gets` answer: the value under its key, and the `cas` token. */
type Held = Record<string, unknown> & { cas?: unknown };

export class ConditionalWrites {
  readonly #parts: MemcachedWriteParts;

  constructor(parts: MemcachedWriteParts) {
    this.#parts = parts;
  }

  /** Memcached `add`: stores only if `key` holds nothing and resolves to whether it stored. */
  async add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    const seconds = this.#seconds('add', timeout);
    const text = this.#parts.encode(key, value);
    const safeKey = this.#parts.safeKey(key);
    if (seconds === EXPIRE_NOW) return false;
    return this.#add('add', key, safeKey, text, seconds);
  }

  /**
   * Removes `key` only if it holds `expected`: `gets`, then a `cas` with an expiry in the past
   * (memcached has no conditional delete; a `cas` that finds the key changed stores nothing).
   * A client without `gets`/`cas` removes nothing and resolves `false`: the lock then expires.
   */
  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    const safeKey = this.#parts.safeKey(key);
    const held = await this.#gets('deleteIfEquals', key, safeKey);
    if (held === undefined || this.#parts.decode(key, held[safeKey]) !== expected) return false;
    return this.#cas('deleteIfEquals', key, safeKey, '', held.cas as string, EXPIRE_NOW);
  }

  /** Whether the client has `gets` and `cas`, which `rewrite` and `deleteIfEquals` need. */
  get atomic(): boolean {
    const { client } = this.#parts;
    return client.gets !== undefined && client.cas !== undefined;
  }

  /**
   * `gets`, then `change`, then a `cas` of what it says: written only if the key is unchanged since
   * the `gets`. A key read missing is written with `add`. Needs `atomic`.
   */
  async rewrite(key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
    const { safeKey: safeKeyOf, decode, encode } = this.#parts;
    const safeKey = safeKeyOf(key);
    const held = await this.#gets('rewrite', key, safeKey);
    const next = change(held === undefined ? NOT_FOUND : decode(key, held[safeKey]));
    if (next === 'keep') return true;
    const seconds = next === 'delete' ? EXPIRE_NOW : this.#seconds('rewrite', next.timeout);
    const text = next === 'delete' || seconds === EXPIRE_NOW ? '' : encode(key, next.value);
    if (held === undefined) return seconds === EXPIRE_NOW || this.#add('rewrite', key, safeKey, text, seconds);
    return this.#cas('rewrite', key, safeKey, text, held.cas as string, seconds);
  }

  #seconds(operation: string, timeout: BackendTimeout): WriteExpiry {
    return writeExpiry('MemcachedCache', operation, timeout, this.#parts.defaultTimeout);
  }

  /** `gets key`: what it holds with its `cas` token, or `undefined` for nothing (or a client without `gets`). */
  async #gets(operation: string, key: string, safeKey: string): Promise<Held | undefined> {
    const { client, run } = this.#parts;
    const gets = client.gets;
    if (gets === undefined || client.cas === undefined) return undefined;
    const held = (await run(operation, key, (done) => gets.call(client, safeKey, done), answer)) as Held | undefined;
    return held !== undefined && typeof held.cas === 'string' && Object.hasOwn(held, safeKey) ? held : undefined;
  }

  /** `cas`: stores `text` (an expiry in the past for `EXPIRE_NOW`: memcached then drops the item) only if the key is unchanged since `gets` gave `token`. */
  #cas(operation: string, key: string, safeKey: string, text: string, token: string, seconds: WriteExpiry): Promise<boolean> {
    const { client, run, checkSize } = this.#parts;
    if (seconds !== EXPIRE_NOW) checkSize(key, safeKey, text);
    const cas = client.cas as NonNullable<MemcachedClient['cas']>;
    // An exptime below zero makes memcached expire the item at once.
    const exptime = seconds === EXPIRE_NOW ? -1 : toExptime(seconds);
    return run(operation, key, (done) => cas.call(client, safeKey, text, token, exptime, done), answer).then((result) => result === true);
  }

  #add(operation: string, key: string, safeKey: string, text: string, seconds: Exclude<WriteExpiry, typeof EXPIRE_NOW>): Promise<boolean> {
    const { client, run, checkSize } = this.#parts;
    checkSize(key, safeKey, text);
    return run(operation, key, (done) => client.add(safeKey, text, toExptime(seconds), done), (error, result) => {
      if ((error as { notStored?: unknown } | undefined)?.notStored === true) return false;
      return stored(operation, key, error, result);
    });
  }
}
