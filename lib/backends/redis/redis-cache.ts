/**
 * `RedisCache`: the `CacheInstance` over an ioredis `Redis` or `Cluster` client.
 */
import type { Redis } from 'ioredis';
import { receiveFrom, type BackendTimeout, type BreakerSettings, type CacheInstance, type EntryRewrite, type Foresee, type ReadReceiver } from '../backend';
import { BackendError } from '../../errors';
import { Codec } from '../shared/codec';
import { checkValueSize } from '../shared/value-size';
import { ConnectionWatch } from '../shared/connection-watch';
import { failure } from './redis-failure';
import { EXPIRE_NOW, toWholeMilliseconds, writeExpiry } from '../shared/expiry';
import {
  closeOwnedClient,
  createOwnedClient,
  isClusterClient,
  isRedisClient,
  tickReads,
  watchConnection,
  type RedisClient,
  type RedisConnectionOptions,
} from './redis-client';
import { PendingLimit } from '../shared/pending-limit';
import type { ReadBatcher } from '../shared/read-batch';
import { keyBuilder, prefixPattern } from './redis-keys';
import { REDIS_MAX_PENDING_CALLS, resolveRedisCacheOptions, type RedisCacheOptions } from './redis-options';
import { ClusterCommands, type CommandArgs } from './cluster-commands';
import { clearNode, deleteAllBySlot, mgetBySlot, setAllBySlot, setOne } from './slot-commands';
import { ConditionalWrites } from './conditional-writes';
import { redisNearTier } from './redis-near';
import { KeyReads } from './key-reads';

/**
 * A cache on Redis or Redis Cluster through ioredis.
 *
 * Round trips: `get`, `set`, `add`, `delete` one command; `getMany` one `MGET` (on a Cluster, one
 * `MGET` per hash slot, sent concurrently); `touch` one pipeline of `PEXPIRE ... GT`; `setMany` one pipeline of `SET ... PX` (one per hash
 * slot on a Cluster, concurrently); `clear()` `SCAN` + `UNLINK` under the prefix, never `FLUSHDB`.
 *
 * @example
 * const cache = new RedisCache(new Redis(), { prefix: 'shop' });
 * const built = new RedisCache({ url: 'redis://127.0.0.1:6379/0' }, { prefix: 'shop' });
 */
export class RedisCache implements CacheInstance {
  /** The bound, in milliseconds, that the core puts on each call to this backend. */
  readonly backendTimeoutMs: number;
  /** The circuit breaker the core keeps for this backend, or `false` (the `breaker` option). */
  readonly breaker: BreakerSettings | false;
  /** The prefix of every stored key (`prefix:key`), or `undefined`. */
  readonly prefix: string | undefined;

  /** Class instances come back as plain objects with the default serializer (see `CacheInstance.losesPrototypes`). */
  get losesPrototypes(): boolean {
    return this.#codec.losesPrototypes;
  }

  readonly #client: RedisClient;
  /** The commands of a Cluster (they ride out failovers and moving slots), or `undefined`. */
  readonly #cluster: ClusterCommands | undefined;
  /** Where multi-key commands go: the stand-alone client, or `#cluster`. */
  readonly #target: Redis | ClusterCommands;
  readonly #ownsClient: boolean;
  readonly #codec: Codec;
  readonly #defaultTimeout: number | null;
  readonly #maxValueBytes: number | undefined;
  readonly #storedKey: (key: string) => string;
  /** The client's connection (with `nearCache`, the remote backend's, which watches the shared client). */
  readonly #watch: ConnectionWatch;
  readonly #unwatch: () => void;
  #closing: Promise<void> | undefined;
  #closed = false;
  readonly #pending = new PendingLimit('RedisCache', REDIS_MAX_PENDING_CALLS);
  /** `add`, `touch`, `deleteIfEquals` and `rewrite`: the writes that depend on what the key holds. */
  readonly #conditional: ConditionalWrites;
  /** Gathers concurrent gets into one `MGET`; `undefined` on a Cluster. */
  readonly #reads: ReadBatcher<string | null> | undefined;
  /** `get` and `readInto`. */
  readonly #keyReads: KeyReads;
  /** With `nearCache`: the near tier that answers every call (over `remote`, a RedisCache without one on the same client). */
  readonly #near: ReturnType<typeof redisNearTier> | undefined;
  /** With `nearCache`: reads the near cache (`NOT_HELD` when it cannot answer). */
  declare readonly getSync?: (key: string) => unknown;
  /** With `nearCache`: hits from the near cache are reported with `tier: 'near'`. */
  declare readonly tiered?: boolean;

  /**
   * @param client - an ioredis `Redis` or `Cluster` (left open by `close()`: its owner closes it),
   *   or connection details (`{ url }` or ioredis options) for a stand-alone client that this
   *   backend builds, owns and closes.
   * @throws CacheConfigError for a bad option, naming it.
   */
  constructor(client: RedisClient | RedisConnectionOptions, options?: RedisCacheOptions) {
    const resolved = resolveRedisCacheOptions(options);
    this.backendTimeoutMs = resolved.backendTimeoutMs;
    this.breaker = resolved.breaker;
    this.prefix = resolved.prefix;
    this.#codec = new Codec('RedisCache', resolved.serializer, resolved.decodeMemo);
    this.#defaultTimeout = resolved.defaultTimeout;
    this.#maxValueBytes = resolved.maxValueBytes;
    this.#storedKey = keyBuilder(resolved.prefix);
    const remote = resolved.nearCache && new RedisCache(client, { ...options, nearCache: undefined, decodeMemo: false });
    this.#ownsClient = !remote && !isRedisClient(client);
    this.#client = remote?.client ?? (isRedisClient(client) ? client : createOwnedClient(client, resolved.backendTimeoutMs));
    // With a near cache, the remote backend's own commands and reads serve (the near tier calls it), not a second set.
    this.#cluster = remote ? remote.#cluster : isClusterClient(this.#client) ? new ClusterCommands(this.#client, this.backendTimeoutMs) : undefined;
    this.#target = this.#cluster ?? (this.#client as Redis); // not a Cluster: a stand-alone Redis
    this.#watch = remote ? remote.#watch : new ConnectionWatch('RedisCache', 'Redis', this);
    this.#unwatch = remote ? () => undefined : watchConnection(this.#client, this.#watch);
    this.#reads = remote ? remote.#reads : this.#cluster ? undefined : tickReads(this.#client as Redis);
    this.#conditional = new ConditionalWrites({
      target: this.#target,
      codec: this.#codec,
      call: (operation, key, run) => this.#call(operation, key, run),
      storedKey: this.#storedKey,
      encode: (key, value) => this.#encode(key, value),
      expiry: (operation, timeout) => this.#expiry(operation, timeout),
    });
    this.#keyReads = new KeyReads({
      codec: this.#codec,
      pending: this.#pending,
      watch: this.#watch,
      storedKey: this.#storedKey,
      refusal: (operation, key) => this.#refusal(operation, key),
      reads: this.#reads,
      sendGet: (stored) => this.#command('get', [stored], () => this.#client.get(stored)),
    });
    this.#near = remote && redisNearTier({ backend: remote, serializer: resolved.serializer, defaultTimeout: resolved.defaultTimeout, owner: this }, resolved.nearCache);
  }

  /** `off` without `nearCache`; else `trusted` while client tracking is on, `bypassed` (cleared, reads go to Redis) while it is not. */
  get nearCacheState(): 'off' | 'trusted' | 'bypassed' {
    return this.#near === undefined ? 'off' : this.#near.trusted ? 'trusted' : 'bypassed';
  }

  /** Why Redis cannot be reached now (`cannot reach Redis: connect ECONNREFUSED 127.0.0.1:6379`), or `undefined`; see `CacheInstance.connectionProblem`. */
  get connectionProblem(): string | undefined {
    return this.#watch.problem;
  }

  /** The ioredis client in use. */
  get client(): RedisClient {
    return this.#client;
  }

  /**
   * `GET`; the value, or `NOT_FOUND`. Rejects with `SerializationError` for data it cannot decode.
   * On a stand-alone Redis gets made while a lone `GET` awaits its reply leave together as one
   * `MGET` (see `ReadBatcher`); on a Cluster each stays a `GET`, since keys of one tick rarely
   * share a slot and a node that fails must fail only its own keys.
   */
  get(key: string, foresee?: Foresee): Promise<unknown> {
    return this.#keyReads.get(key, foresee);
  }

  /** `get`, its outcome handed to `receiver` in the one reaction to the reply (see `CacheInstance.readInto`). */
  readInto(key: string, receiver: ReadReceiver): void {
    // With a near cache every call is the near tier's (installed on this object), reads too.
    if (this.#near === undefined) this.#keyReads.readInto(key, receiver);
    else receiveFrom(this.get(key), receiver);
  }

  /**
   * One `MGET` (one per hash slot on a Cluster, sent together); the found keys in the order asked.
   * On a stand-alone Redis the keys join the tick's batched reads, as `get`'s do (see `ReadBatcher`),
   * so the tag reads of 64 tagged hits in flight leave in one `MGET` with their entries.
   * Rejects with `SerializationError` when one of the values cannot be decoded.
   */
  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    if (keys.length === 0) return found;
    const stored = keys.map(this.#storedKey);
    const reads = this.#reads;
    const texts = await this.#call('getMany', keys[0], () => (reads === undefined ? mgetBySlot(this.#target, stored) : reads.readMany(stored)));
    keys.forEach((key, index) => {
      const text = texts[index];
      if (text !== null && text !== undefined && !found.has(key)) found.set(key, this.#codec.decode(key, text));
    });
    return found;
  }

  /** `SET key value PX ms` (no `PX` for `null`); `DEL` for a timeout of 0 or less. */
  async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    const text = this.#encode(key, value);
    const expiry = this.#expiry('set', timeout);
    const stored = this.#storedKey(key);
    await this.#call('set', key, () => (expiry === EXPIRE_NOW ? deleteAllBySlot(this.#target, [stored]) : setOne(this.#target, stored, text, expiry, false)));
  }

  /** A pipeline of `SET ... PX ms` (one per hash slot on a Cluster, sent together); `DEL` for a timeout of 0 or less. */
  async setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    if (entries.size === 0) return;
    // Every value is encoded before anything is sent, so one bad value stores none of them.
    const keys: string[] = [];
    const texts: string[] = [];
    for (const [key, value] of entries) {
      keys.push(this.#storedKey(key));
      texts.push(this.#encode(key, value));
    }
    const expiry = this.#expiry('setMany', timeout);
    await this.#call('setMany', entries.keys().next().value, () =>
      expiry === EXPIRE_NOW ? deleteAllBySlot(this.#target, keys) : setAllBySlot(this.#target, keys, texts, expiry),
    );
  }

  /** `SET key value PX ms NX`; whether it stored (see `ConditionalWrites`). */
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    return this.#conditional.add(key, value, timeout);
  }

  /** `DEL` only if the key holds `expected`, atomically: releases a lock only for its owner (see `ConditionalWrites`). */
  deleteIfEquals(key: string, expected: string): Promise<boolean> {
    return this.#conditional.deleteIfEquals(key, expected);
  }

  /** `GET`, `change`, then a write only if the key still holds what was read, atomically (see `ConditionalWrites`). */
  rewrite(key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
    return this.#conditional.rewrite(key, change);
  }

  /** `PEXPIRE key ms GT` of each key: lengthens, never shortens; a missing key stays missing (see `ConditionalWrites`). */
  touch(keys: readonly string[], timeout?: BackendTimeout): Promise<void> {
    return this.#conditional.touch(keys, timeout);
  }

  /** `DEL`; whether a key was removed. */
  async delete(key: string): Promise<boolean> {
    const stored = this.#storedKey(key);
    const removed = await this.#call('delete', key, () => this.#command('del', [stored], () => this.#client.del(stored)));
    return removed > 0;
  }

  /**
   * Removes every key under this backend's prefix (on every master of a Cluster) with `SCAN` and
   * `UNLINK`, in batches of 1000. Without a prefix it refuses: the database may hold other data.
   * @throws CacheConfigError when the backend has no prefix.
   */
  async clear(): Promise<void> {
    const pattern = prefixPattern(this.prefix);
    const nodes = this.#cluster ? this.#cluster.cluster.nodes('master') : [this.#client];
    await this.#call('clear', undefined, () => Promise.all(nodes.map((node) => clearNode(this.#target, node, pattern))));
  }

  /** Closes the client if this backend built it; a client passed in is left to its owner, without our listeners. */
  close(): Promise<void> {
    this.#closed = this.#ownsClient;
    this.#watch.stop();
    if (!this.#ownsClient) this.#unwatch(); // our own client keeps its listener while it closes: ioredis prints nothing
    this.#closing ??= this.#ownsClient ? closeOwnedClient(this.#client, this.backendTimeoutMs) : Promise.resolve();
    return this.#closing;
  }

  /** `value` as text; `ValueTooLargeError` over `maxValueBytes`. */
  #encode(key: string, value: unknown): string {
    return checkValueSize('RedisCache', 'maxValueBytes', this.#maxValueBytes, key, this.#codec.encode(key, value));
  }

  /** A write's `PX` milliseconds (never 0), `null` for no expiry, or `EXPIRE_NOW` to delete instead. */
  #expiry(operation: string, timeout: BackendTimeout): number | null | typeof EXPIRE_NOW {
    const seconds = writeExpiry('RedisCache', operation, timeout, this.#defaultTimeout);
    return typeof seconds === 'number' ? toWholeMilliseconds(seconds) : seconds;
  }

  /**
   * One command: on a Cluster `name args` through `clusterCommand`, which rides out failovers and
   * moving slots (see cluster-commands.ts); on a stand-alone Redis `standalone()`, the typed method.
   */
  #command<T>(name: string, args: CommandArgs, standalone: () => Promise<T>): Promise<T> {
    return this.#cluster === undefined ? standalone() : this.#cluster.command<T>(name, args);
  }

  /** Runs one client call; a client failure becomes a `BackendError` naming the operation and key. */
  async #call<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    const refused = this.#refusal(operation, key);
    if (refused) throw refused;
    try {
      return await run();
    } catch (error) {
      throw failure(operation, key, error, this.#watch);
    } finally {
      this.#pending.release();
    }
  }

  /** Why a call must not be sent now (closed, or too many waiting), or undefined; a call let in counts as waiting. */
  #refusal(operation: string, key: string | undefined): BackendError | undefined {
    if (this.#closed) {
      return new BackendError(`RedisCache.${operation} after close(): the backend's own client is closed`, { operation, key });
    }
    return this.#pending.admit(operation, key);
  }
}
