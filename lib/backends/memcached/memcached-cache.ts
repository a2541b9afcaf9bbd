import { BackendError, CacheKeyError, SerializationError } from '../../errors';
import { NOT_FOUND, rewriteByReadAndWrite, type BackendTimeout, type BreakerSettings, type CacheInstance, type EntryRewrite, type Foresee } from '../backend';
import { ConditionalWrites } from './conditional-writes';
import { buildClient } from './build-client';
import { answer, asBackendError, closedError, readFailure, stored } from './client-replies';
import { dropStalledConnections, guardValueParsing } from './client-patches';
import { toExptime } from './expiry';
import { checkItemSize } from './item-size';
import type { MemcachedClient } from './memcached-client';
import { resolveMemcachedOptions, resolveServers, type MemcachedCacheOptions, type MemcachedServers } from './memcached-options';
import { PendingCalls, type ClientCallback } from './pending-calls';
import { toSafeKey } from './safe-key';
import { serverOfKey } from './server-of-key';
import { timerDelay } from '../../shared/timer-limit';
import { Codec, shownKey, type Expected } from '../shared/codec';
import { ConnectionWatch } from '../shared/connection-watch';
import { watchMemcachedConnection } from './connection-events';
import { EXPIRE_NOW, writeExpiry, type WriteExpiry } from '../shared/expiry';
import { MAX_PENDING_CALLS, PendingLimit } from '../shared/pending-limit';
import { ServerReads } from './server-reads';
import { nearMethods } from '../near/near-methods';
import { memcachedNearTier } from './memcached-near';

/** Most client calls that may wait for an answer at once; more are refused until some settle. */
export const MEMCACHED_MAX_PENDING_CALLS = MAX_PENDING_CALLS;

/** How many sets `setMany` keeps in flight at once. */
const SET_MANY_CONCURRENCY = 100;

/**
 * A `CacheInstance` on one or more memcached servers through the `memcached` client: keys spread
 * over the servers by the client's consistent hashing, keys the text protocol cannot carry
 * hashed (see `toSafeKey`), values encoded by a `Serializer`.
 *
 * Built from addresses, it owns its client (with the options in docs/backends/memcached.md) and
 * ends it in `close()`; a client given to it is left open for its owner.
 *
 * @example
 * const cache = new MemcachedCache(['10.0.0.1:11211', '10.0.0.2:11211'], { prefix: 'shop' });
 * caches.setDefault(cache);
 */
export class MemcachedCache implements CacheInstance {
  /** The bound, in milliseconds, that easy-cache puts on each call to this backend. */
  readonly backendTimeoutMs: number;
  /** The circuit breaker the core keeps for this backend, or `false` (the `breaker` option). */
  readonly breaker: BreakerSettings | false;
  /** Class instances come back as plain objects with the default serializer (see `CacheInstance.losesPrototypes`). */
  get losesPrototypes(): boolean {
    return this.#codec.losesPrototypes;
  }

  readonly #client: MemcachedClient;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #codec: Codec;
  readonly #defaultTimeout: number | null;
  readonly #maxItemBytes: number;
  readonly #calls: PendingCalls;
  /** `add`, `deleteIfEquals` and `rewrite`: the writes that depend on what the key holds. */
  readonly #conditional: ConditionalWrites;
  /** Gathers concurrent gets, per server. */
  readonly #reads: ServerReads;
  /** The client's connection (with `nearCache`, the remote backend's, which watches the shared client). */
  readonly #watch: ConnectionWatch;
  readonly #unwatch: () => void;
  #closed = false;
  /** The longest finite lifetime, in seconds, that `touch` was asked for: memcached cannot only lengthen an expiry. */
  #longestTouch = 0;
  /** With `nearCache`: reads the near cache (`NOT_HELD` when it cannot answer). */
  declare readonly getSync?: (key: string) => unknown;
  /** With `nearCache`: hits from the near cache are reported with `tier: 'near'`. */
  declare readonly tiered?: boolean;

  constructor(servers: MemcachedServers, options?: MemcachedCacheOptions) {
    const resolved = resolveMemcachedOptions(options);
    const target = resolveServers(servers);
    this.backendTimeoutMs = resolved.backendTimeoutMs;
    this.breaker = resolved.breaker;
    this.#prefix = resolved.prefix === undefined ? '' : `${resolved.prefix}:`;
    this.#codec = new Codec('MemcachedCache', resolved.serializer, resolved.decodeMemo);
    this.#defaultTimeout = resolved.defaultTimeout;
    this.#maxItemBytes = resolved.maxItemBytes;
    // Far above the core's bound: only a server that stopped answering gets here.
    const stallMs = timerDelay(Math.max(1000, 4 * resolved.backendTimeoutMs));
    const remote = resolved.nearCache && new MemcachedCache(servers, { ...options, nearCache: undefined, decodeMemo: false });
    this.#ownsClient = !remote && !('client' in target);
    this.#client = remote ? remote.#client : 'client' in target ? target.client : buildClient(target.addresses, stallMs, resolved.maxItemBytes);
    guardValueParsing(this.#client);
    this.#conditional = new ConditionalWrites({
      client: this.#client,
      defaultTimeout: this.#defaultTimeout,
      run: (operation, key, invoke, interpret) => this.#run(operation, key, invoke, interpret),
      safeKey: (key) => this.#safeKey(key),
      decode: (key, raw) => this.#decode(key, raw),
      encode: (key, value) => this.#codec.encode(key, value),
      checkSize: (key, safeKey, text) => checkItemSize(key, safeKey, text, this.#maxItemBytes),
    });
    this.#reads = new ServerReads(this.#client, serverOfKey(this.#client), (...call) => this.#run(...call));
    this.#watch = remote ? remote.#watch : new ConnectionWatch('MemcachedCache', 'Memcached', this);
    this.#unwatch = remote ? () => undefined : watchMemcachedConnection(this.#client, this.#watch);
    const client = this.#client;
    const onStall = this.#ownsClient ? () => dropStalledConnections(client, stallMs) : () => undefined;
    const limit = new PendingLimit('MemcachedCache', MEMCACHED_MAX_PENDING_CALLS);
    this.#calls = new PendingCalls({ limit, stallMs, onStall, connectionProblem: () => this.#watch.problem });
    // With a near cache, every call is the near tier's (over `remote`, a MemcachedCache without one on the same client).
    if (remote) Object.assign(this, nearMethods(memcachedNearTier(remote, resolved.nearCache, resolved.serializer, resolved.defaultTimeout), false));
  }

  /** Why memcached cannot be reached now (`cannot reach Memcached: connect ECONNREFUSED 127.0.0.1:11211`), or `undefined`; see `CacheInstance.connectionProblem`. */
  get connectionProblem(): string | undefined {
    return this.#watch.problem;
  }

  /**
   * The value under `key`, or `NOT_FOUND`; `SerializationError` for data easy-cache did not write.
   * For each server, a get leaves at once as a plain `get` unless the last lone `get` awaits its
   * reply; then the gets are gathered and leave together as one `get k1 k2 ...` (see `ReadBatcher`).
   */
  get(key: string, foresee?: Foresee): Promise<unknown> {
    let safeKey: string;
    try {
      safeKey = this.#safeKey(key);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closed) return Promise.reject(closedError('get', key));
    const refused = this.#calls.admit('get', key);
    if (refused) return Promise.reject(refused);
    // The hot path: one `then` rather than an async frame of its own.
    const reply = this.#reads.read(safeKey);
    const expected = this.#codec.expect(key, foresee); // once the read has left: a kept value is copied while memcached answers
    return reply.then(
      (raw) => (raw === undefined ? NOT_FOUND : this.#decode(key, raw, expected)),
      (error: unknown) => { throw readFailure(key, error); },
    );
  }

  /** The found keys with their values, in the order asked; one `get k1 k2 ...` per server holding some. */
  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    // The client never calls back for an empty list.
    if (keys.length === 0) return found;
    const safeKeys = keys.map((key) => this.#safeKey(key));
    const answers = await this.#run('getMany', keys[0], (done) => this.#client.getMulti([...new Set(safeKeys)], done), answer);
    const values = (answers ?? {}) as Record<string, unknown>;
    keys.forEach((key, index) => {
      const safeKey = safeKeys[index] as string;
      if (found.has(key) || !Object.hasOwn(values, safeKey)) return;
      found.set(key, this.#decode(key, values[safeKey]));
    });
    return found;
  }

  /** Stores `value` for `timeout` seconds (see `BackendTimeout`); a timeout of 0 or less deletes the key. */
  async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    const seconds = writeExpiry('MemcachedCache', 'set', timeout, this.#defaultTimeout);
    const text = this.#codec.encode(key, value);
    if (seconds === EXPIRE_NOW) {
      await this.delete(key);
      return;
    }
    const safeKey = this.#safeKey(key);
    checkItemSize(key, safeKey, text, this.#maxItemBytes);
    await this.#send('set', key, safeKey, text, seconds);
  }

  /**
   * Stores every entry with the same `timeout`. The text protocol has no multi-set, so these are
   * concurrent `set`s (pipelined per connection, 100 in flight); every value is encoded and its
   * size checked first, so one that cannot be encoded or is too large stores nothing.
   */
  async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    const seconds = writeExpiry('MemcachedCache', 'setMany', timeout, this.#defaultTimeout);
    const items = [...entries].map(([key, value]) => {
      const text = this.#codec.encode(key, value);
      const safeKey = this.#safeKey(key);
      if (seconds !== EXPIRE_NOW) checkItemSize(key, safeKey, text, this.#maxItemBytes);
      return { key, safeKey, text };
    });
    for (let start = 0; start < items.length; start += SET_MANY_CONCURRENCY) {
      const batch = items.slice(start, start + SET_MANY_CONCURRENCY);
      await Promise.all(
        batch.map(({ key, safeKey, text }) =>
          seconds === EXPIRE_NOW ? this.delete(key) : this.#send('setMany', key, safeKey, text, seconds),
        ),
      );
    }
  }

  /** Memcached `add`: stores only if `key` holds nothing and resolves to whether it stored (see `ConditionalWrites`). */
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    return this.#conditional.add(key, value, timeout);
  }

  /**
   * Memcached `touch` of each key, sent together; a missing key stays missing. Memcached's touch
   * sets an expiry, it cannot only lengthen one: so that a shorter-lived entry does not cut short
   * a tag that a longer-lived one carries, each touch asks for at least the longest finite
   * lifetime this backend has touched with (a `null` touch makes those keys never expire).
   */
  async touch(keys: readonly string[], timeout?: BackendTimeout): Promise<void> {
    const seconds = writeExpiry('MemcachedCache', 'touch', timeout, this.#defaultTimeout);
    if (seconds === EXPIRE_NOW || keys.length === 0) return;
    if (seconds !== null) this.#longestTouch = Math.max(this.#longestTouch, seconds);
    const exptime = toExptime(seconds === null ? null : this.#longestTouch);
    const byServerKey = new Map(keys.map((key) => [this.#safeKey(key), key] as const));
    await Promise.all(
      [...byServerKey].map(([safeKey, key]) =>
        this.#run('touch', key, (done) => this.#client.touch(safeKey, exptime, (error: unknown) => done(error, undefined)), (error) => {
          if (error !== undefined && error !== null) throw asBackendError('touch', key, error);
        }),
      ),
    );
  }

  /** Removes `key`; resolves to whether memcached held it. */
  async delete(key: string): Promise<boolean> {
    const safeKey = this.#safeKey(key);
    return this.#run('delete', key, (done) => this.#client.del(safeKey, done), (error, result) => {
      if (error !== undefined && error !== null) throw error;
      return result === true;
    });
  }

  /** Removes `key` only if it holds `expected` (`gets`, then `cas`): releases a lock only for its owner (see `ConditionalWrites`). */
  deleteIfEquals(key: string, expected: string): Promise<boolean> {
    return this.#conditional.deleteIfEquals(key, expected);
  }

  /**
   * `gets`, `change`, then a `cas`: written only if the key is unchanged since it was read (see
   * `ConditionalWrites`). A client without `gets`/`cas` is read with `get`, then written: not atomic.
   */
  rewrite(key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
    return this.#conditional.atomic ? this.#conditional.rewrite(key, change) : rewriteByReadAndWrite(this, key, change);
  }

  /**
   * Settles every call still waiting (with `BackendError`) and, when this backend built its
   * client, ends the client's connections. Calls after it reject. Calling it twice is harmless.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch.stop();
    this.#unwatch();
    this.#calls.rejectAll(new BackendError('MemcachedCache was closed while the call was waiting', { operation: 'close' }));
    if (this.#ownsClient) this.#client.end();
  }

  /** One `set` of encoded text whose size was checked; rejects unless memcached answers STORED. */
  #send(operation: string, key: string, safeKey: string, text: string, seconds: Exclude<WriteExpiry, typeof EXPIRE_NOW>): Promise<void> {
    return this.#run(
      operation,
      key,
      (done) => this.#client.set(safeKey, text, toExptime(seconds), done),
      (error, result) => {
        stored(operation, key, error, result);
      },
    );
  }

  /** A client call through the pending-call bound (`admitted`: callers `get` already let in); refused once the backend is closed. */
  #run<T>(
    operation: string,
    key: string | undefined,
    invoke: (done: ClientCallback) => void,
    interpret: (error: unknown, result: unknown) => T,
    admitted = 0,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(operation, key));
    return this.#calls.run(operation, key, invoke, interpret, admitted);
  }

  /** The memcached key of a caller's key: prefixed, then made safe. */
  #safeKey(key: string): string {
    if (typeof key !== 'string') {
      throw new CacheKeyError(`MemcachedCache: a key must be a string; received ${typeof key}`);
    }
    return toSafeKey(this.#prefix + key);
  }

  /** The stored text `raw` as a value; `SerializationError` for anything easy-cache did not write. */
  #decode(key: string, raw: unknown, expected?: Expected): unknown {
    if (typeof raw !== 'string') {
      // The client turns values stored with flags 2, 4 or 8 (by other clients) into objects, Buffers or numbers.
      throw new SerializationError(
        `MemcachedCache: the value under ${shownKey(key)} was not written by easy-cache (the client read it as ${Buffer.isBuffer(raw) ? 'a Buffer' : typeof raw})`,
      );
    }
    return this.#codec.decode(key, raw, expected);
  }
}
