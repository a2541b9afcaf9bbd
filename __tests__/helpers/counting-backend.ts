import type { BackendTimeout, BreakerSettings, CacheInstance, EntryRewrite } from '../../lib';

export type Operation = 'get' | 'getMany' | 'set' | 'setMany' | 'add' | 'delete' | 'rewrite';

/** Wraps a real backend and records each call, so tests can assert how many round trips a call costs. */
export class CountingBackend implements CacheInstance {
  /** Each call with the number of earlier calls still pending when it was made (1+ means sent in the same round trip), and the expiry a write asked for. */
  readonly calls: { op: Operation; keys: string[]; pendingAtCall: number; timeout?: BackendTimeout }[] = [];
  #pending = 0;
  /** How many calls of each operation the inner backend has answered (resolved or rejected). */
  readonly #answered = new Map<Operation, number>();
  readonly inner: CacheInstance;
  readonly inProcess: boolean | undefined;
  readonly backendTimeoutMs: number | undefined;
  /** The inner backend's clock, so that freshness is judged as it would be without the wrapper (or one the test injects). */
  readonly now: (() => number) | undefined;
  /** A breaker for the wrapper, when the test gives one: the calls it counts are then those the breaker let through. */
  readonly breaker: BreakerSettings | false | undefined;
  /** The inner backend's compare-and-set, counted, where it has one. */
  readonly rewrite?: (key: string, change: (stored: unknown) => EntryRewrite) => Promise<boolean>;

  constructor(inner: CacheInstance, options: { breaker?: BreakerSettings | false; now?: () => number } = {}) {
    this.inner = inner;
    this.inProcess = inner.inProcess;
    this.backendTimeoutMs = inner.backendTimeoutMs;
    this.now = options.now ?? inner.now;
    this.breaker = options.breaker;
    const rewrite = inner.rewrite?.bind(inner);
    if (rewrite) this.rewrite = (key, change) => this.#track('rewrite', [key], () => rewrite(key, change));
  }

  /** How many calls of each operation were made (only non-zero counts). */
  counts(): Partial<Record<Operation, number>> {
    const counts: Partial<Record<Operation, number>> = {};
    for (const { op } of this.calls) counts[op] = (counts[op] ?? 0) + 1;
    return counts;
  }

  /** How many calls of `op` the inner backend has answered so far (a call counts once its promise settles). */
  answered(op: Operation): number {
    return this.#answered.get(op) ?? 0;
  }

  reset(): void {
    this.calls.length = 0;
  }

  /** The expiries (seconds, as given to the backend) of the writes of `key`, in order. */
  timeoutsOf(key: string): BackendTimeout[] {
    return this.calls.filter((call) => (call.op === 'set' || call.op === 'setMany') && call.keys.includes(key)).map((call) => call.timeout);
  }

  #track<T>(op: Operation, keys: string[], run: () => Promise<T>, timeout?: BackendTimeout): Promise<T> {
    this.calls.push(timeout === undefined ? { op, keys, pendingAtCall: this.#pending } : { op, keys, pendingAtCall: this.#pending, timeout });
    this.#pending++;
    return run().finally(() => {
      this.#pending--;
      this.#answered.set(op, this.answered(op) + 1);
    });
  }

  get(key: string): Promise<unknown> {
    return this.#track('get', [key], () => this.inner.get(key));
  }
  getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    return this.#track('getMany', [...keys], () => this.inner.getMany(keys));
  }
  set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    return this.#track('set', [key], () => this.inner.set(key, value, timeout), timeout);
  }
  setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    return this.#track('setMany', [...entries.keys()], () => this.inner.setMany(entries, timeout), timeout);
  }
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    return this.#track('add', [key], () => this.inner.add(key, value, timeout));
  }
  delete(key: string): Promise<boolean> {
    return this.#track('delete', [key], () => this.inner.delete(key));
  }
}
