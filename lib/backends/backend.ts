/** Returned by `get` for a key that holds nothing; lets `null` and `undefined` be cached values. */
export const NOT_FOUND: unique symbol = Symbol.for('easy-cache.NOT_FOUND');
/** The type of `NOT_FOUND`. */
export type NotFound = typeof NOT_FOUND;
/**
 * Returned by `getSync` of a backend with a near cache when this process's memory cannot answer
 * (the key is not held, or the near cache is bypassed): the caller must `get` it.
 */
export const NOT_HELD: unique symbol = Symbol.for('easy-cache.NOT_HELD');

/**
 * Expiry in seconds as it reaches a backend: a positive number (fractions allowed), `null` for
 * "never expires", or `undefined` for the backend's own default. A number of 0 or less stores
 * nothing and deletes what the key held.
 */
export type BackendTimeout = number | null | undefined;

/**
 * The circuit breaker the core keeps for a backend object (SPEC 11.5): after `failures` failed or
 * timed-out calls in a row it opens for `openMs`, during which calls skip the backend at once.
 */
export interface BreakerSettings {
  /** Failed or timed-out calls in a row that open the breaker (an integer, 1 or more). */
  readonly failures: number;
  /** How long it stays open before one probe call is let through, in milliseconds. */
  readonly openMs: number;
}

/**
 * Called by a backend's `get` with the value its read most likely returns, before the reply comes
 * (see `CacheInstance.get`). It must not throw, and must not change `likely`: the read may still
 * hand it out.
 */
export type Foresee = (likely: unknown) => void;

/**
 * The caller of `CacheInstance.readInto`: told the value the read most likely returns (as
 * `Foresee` is), then the read's outcome, in the one reaction to the reply.
 */
export interface ReadReceiver {
  /** As `Foresee`: called at most once, after the read has left and before `receive`; must not throw. */
  foresee(likely: unknown): void;
  /** What the read returned (`answered`: as `get` resolves), or why it failed (as `get` rejects); called exactly once. */
  receive(outcome: unknown, answered: boolean): void;
}

/** Hands what `reply` settles to over to `receiver`, as `CacheInstance.readInto` does: for a read that has only a promise. */
export function receiveFrom(reply: Promise<unknown>, receiver: ReadReceiver): void {
  reply.then(
    (stored) => receiver.receive(stored, true),
    (error: unknown) => receiver.receive(error, false),
  );
}

/**
 * What `CacheInstance.rewrite`'s `change` makes of an entry: a new value stored for `timeout`
 * seconds (see `BackendTimeout`), `'delete'`, or `'keep'` (nothing written).
 */
export type EntryRewrite =
  | {
      /** What to store under the key. */
      readonly value: unknown;
      /** Its lifetime, as `set` takes it. */
      readonly timeout?: BackendTimeout;
    }
  | 'delete'
  | 'keep';

/**
 * The port every backend implements. Values are the caller's values: a backend encodes them
 * itself (through a `Serializer`) or, like `MemoryCache` with `copy: false`, keeps them as they are.
 */
export interface CacheInstance {
  /**
   * The value stored under `key`, or `NOT_FOUND`. Throws `SerializationError` for data it cannot
   * decode. `foresee`, when given, may be called once, during the call, after the read has left,
   * with the value the read most likely returns (a remote backend's decode memo: a copy of what
   * the key's last text decoded to); the read then resolves to that very object exactly when its
   * reply is that text. The caller judges the value while the server answers (see `Foresee`).
   */
  get(key: string, foresee?: Foresee): Promise<unknown>;
  /**
   * `get` for a caller that settles a promise of its own anyway: the outcome goes to `receiver`
   * in the one reaction to the reply, with no promise of the backend's between (each step between
   * a reply and its caller runs code that the wait for the server left cold). Optional; never
   * calls `receive` before it returns.
   */
  readInto?(key: string, receiver: ReadReceiver): void;
  /**
   * `get` without a Promise, for a backend that answers from this process's memory: the hit path
   * then costs no await. Optional; throws where `get` would reject. `now`, when given, is the
   * caller's reading of this backend's clock (`now`, else `Date.now`), taken just before: expiry
   * may be judged by it instead of reading the clock again (a clock read costs about half a
   * `Map.get` on some machines). A backend that holds only some keys in memory (a near cache)
   * returns `NOT_HELD` for the others.
   */
  getSync?(key: string, now?: number): unknown;
  /**
   * A near cache's memory of tag checks: whether the tag versions of the entry under `key` were
   * noted current (`noteTagsCurrent`) and nothing it holds changed since, nor expired by `now`.
   * Optional; lets a tagged near hit skip reading each version again.
   */
  tagsHeldCurrent?(key: string, now: number): boolean;
  /** Notes that the entry under `key` was found with every one of `versionKeys` held and current at `now` (see `tagsHeldCurrent`). */
  noteTagsCurrent?(key: string, versionKeys: readonly string[], now: number): void;
  /**
   * A near cache's `getSync` without the copy: what it holds itself, which the caller must neither
   * keep nor change; `copyOut` gives what may be handed out of it. Optional (with `copyOut`).
   */
  peekSync?(key: string, now?: number): unknown;
  /** What a caller may be given of `part`, a member of what `peekSync` returned: a copy where the backend hands out copies. */
  copyOut?(part: unknown): unknown;
  /** The found keys only, with their values; an empty list resolves to an empty Map. One round trip where the store allows. */
  getMany(keys: readonly string[]): Promise<Map<string, unknown>>;
  /** Stores `value` under `key` for `timeout` seconds (see `BackendTimeout`). */
  set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void>;
  /**
   * `set` without a Promise, for a backend that answers from this process's memory (`inProcess`):
   * the miss path then stores with no await. Optional; throws where `set` would reject.
   */
  setSync?(key: string, value: unknown, timeout?: BackendTimeout): void;
  /** Stores every entry with the same `timeout`, in one round trip where the store allows. */
  setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void>;
  /** Stores `value` only if `key` holds nothing; resolves to whether it stored. */
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean>;
  /**
   * Removes `key` only if it holds `expected` (a string stored with `add` or `set`), atomically
   * where the store allows; resolves to whether it removed it. The core releases a lock with it
   * (`lock` option), so that an owner whose lock expired never removes the next owner's. Optional:
   * without it, a lock is left to expire (after `lock.ttlMs`).
   */
  deleteIfEquals?(key: string, expected: string): Promise<boolean>;
  /**
   * Rewrites `key` from what it holds: `change` gets that (as `get` returns it; `NOT_FOUND` for
   * nothing) and says what it becomes, which is written only if `key` still holds what was read,
   * atomically where the store allows (compare-and-set). Resolves to `false` when `key` changed in
   * between (nothing written: read again), else `true`; rejects like `get` for data it cannot
   * decode. The core marks an entry stale with it (a soft key invalidation), so that a hard
   * invalidation landing between the read and the write is never undone. Optional: without it the
   * core reads, then writes, and whatever was written or deleted in between is overwritten.
   */
  rewrite?(key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean>;
  /**
   * Makes each of `keys` that holds something live at least `timeout` seconds from now (`null`:
   * never expire; see `BackendTimeout`), and never shortens what it already had; a missing key
   * stays missing. The core calls it with the tag keys of each tagged entry it writes, so that a
   * tag outlives the entries that carry it and then expires. Optional: without it, tag keys
   * never expire.
   */
  touch?(keys: readonly string[], timeout?: BackendTimeout): Promise<void>;
  /** Removes `key`; resolves to whether something was there (`true` where the store cannot tell). */
  delete(key: string): Promise<boolean>;
  /** Removes every key this backend stored (under its prefix), and nothing else. */
  clear?(): Promise<void>;
  /** Releases what the backend owns; calling it twice is harmless. */
  close?(): Promise<void>;
  /** The bound, in milliseconds, on one call to this backend; a function's own option wins. */
  readonly backendTimeoutMs?: number;
  /**
   * True for a remote backend with a near cache in this process: what its `getSync` returns comes
   * from the near cache, and the hit events of such reads say `tier: 'near'`.
   */
  readonly tiered?: boolean;
  /**
   * The circuit breaker the core keeps for this backend object, or `false` / absent for none.
   * `RedisCache` and `MemcachedCache` have one unless built with `breaker: false`; a wrapper
   * around a backend decides for itself (it does not inherit the inner backend's).
   */
  readonly breaker?: BreakerSettings | false;
  /**
   * True for a backend that answers from this process's memory and cannot hang: the core then
   * skips the timer it otherwise arms around each call (a timer costs more than a memory hit).
   */
  readonly inProcess?: boolean;
  /**
   * The clock this backend judges expiry by, in milliseconds like `Date.now`; the core judges an
   * entry's freshness by it too. Optional: `Date.now`. `MemoryCache({ now })` sets it for tests.
   */
  readonly now?: () => number;
  /**
   * True when a class instance comes back from this backend as a plain object of its own
   * properties (the default serializer): the core then reports, once per cached function, a value
   * that would lose its prototype. Optional: absent, nothing is reported.
   */
  readonly losesPrototypes?: boolean;
  /**
   * Why the backend cannot be reached right now, with its client's words and the address
   * (`cannot reach Redis: connect ECONNREFUSED 127.0.0.1:6379`), or `undefined` while it can (or
   * cannot tell). The core puts it in the message of a call that got no answer within its bound.
   * Optional.
   */
  readonly connectionProblem?: string | undefined;
}

/** The clock of `backend`: its own, else `Date.now`. */
export function clockOf(backend: CacheInstance): () => number {
  return backend.now ?? Date.now;
}

/** `backend.rewrite(key, change)`, or `rewriteByReadAndWrite` where the backend has none. */
export function rewriteEntry(backend: CacheInstance, key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
  return backend.rewrite ? backend.rewrite(key, change) : rewriteByReadAndWrite(backend, key, change);
}

/**
 * `change` applied to what `backend` holds under `key` by a `get`, then a `set` or `delete`: what
 * `rewrite` does where a backend has none, without its atomicity (a write or delete made between
 * the two is overwritten). Resolves `true`.
 */
export async function rewriteByReadAndWrite(backend: CacheInstance, key: string, change: (stored: unknown) => EntryRewrite): Promise<boolean> {
  const next = change(await backend.get(key));
  if (next === 'delete') await backend.delete(key);
  else if (next !== 'keep') await backend.set(key, next.value, next.timeout);
  return true;
}
