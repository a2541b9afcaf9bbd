import type { BackendTimeout, CacheInstance } from '../../lib';

export type Operation = 'get' | 'getMany' | 'set' | 'setMany' | 'add' | 'delete';

/** Wraps a real backend and records each call, so tests can assert how many round trips a call costs. */
export class CountingBackend implements CacheInstance {
  /** Each call with the number of earlier calls still pending when it was made (1+ means sent in the same round trip). */
  readonly calls: { op: Operation; keys: string[]; pendingAtCall: number }[] = [];
  #pending = 0;
  readonly inner: CacheInstance;
  readonly inProcess: boolean | undefined;
  readonly backendTimeoutMs: number | undefined;

  constructor(inner: CacheInstance) {
    this.inner = inner;
    this.inProcess = inner.inProcess;
    this.backendTimeoutMs = inner.backendTimeoutMs;
  }

  /** How many calls of each operation were made (only non-zero counts). */
  counts(): Partial<Record<Operation, number>> {
    const counts: Partial<Record<Operation, number>> = {};
    for (const { op } of this.calls) counts[op] = (counts[op] ?? 0) + 1;
    return counts;
  }

  reset(): void {
    this.calls.length = 0;
  }

  #track<T>(op: Operation, keys: string[], run: () => Promise<T>): Promise<T> {
    this.calls.push({ op, keys, pendingAtCall: this.#pending });
    this.#pending++;
    return run().finally(() => {
      this.#pending--;
    });
  }

  get(key: string): Promise<unknown> {
    return this.#track('get', [key], () => this.inner.get(key));
  }
  getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    return this.#track('getMany', [...keys], () => this.inner.getMany(keys));
  }
  set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    return this.#track('set', [key], () => this.inner.set(key, value, timeout));
  }
  setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    return this.#track('setMany', [...entries.keys()], () => this.inner.setMany(entries, timeout));
  }
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    return this.#track('add', [key], () => this.inner.add(key, value, timeout));
  }
  delete(key: string): Promise<boolean> {
    return this.#track('delete', [key], () => this.inner.delete(key));
  }
}
