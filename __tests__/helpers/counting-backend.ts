import type { BackendTimeout, CacheInstance } from '../../lib';

export type Operation = 'get' | 'getMany' | 'set' | 'setMany' | 'add' | 'delete';

/** Wraps a real backend and records each call, so tests can assert how many round trips a call costs. */
export class CountingBackend implements CacheInstance {
  readonly calls: { op: Operation; keys: string[] }[] = [];
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

  get(key: string): Promise<unknown> {
    this.calls.push({ op: 'get', keys: [key] });
    return this.inner.get(key);
  }
  getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    this.calls.push({ op: 'getMany', keys: [...keys] });
    return this.inner.getMany(keys);
  }
  set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    this.calls.push({ op: 'set', keys: [key] });
    return this.inner.set(key, value, timeout);
  }
  setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    this.calls.push({ op: 'setMany', keys: [...entries.keys()] });
    return this.inner.setMany(entries, timeout);
  }
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    this.calls.push({ op: 'add', keys: [key] });
    return this.inner.add(key, value, timeout);
  }
  delete(key: string): Promise<boolean> {
    this.calls.push({ op: 'delete', keys: [key] });
    return this.inner.delete(key);
  }
}
