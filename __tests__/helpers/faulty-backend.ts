import type { BackendTimeout, BreakerSettings, CacheInstance } from '../../lib';

type Mode = { kind: 'ok' } | { kind: 'throw' } | { kind: 'delay'; ms: number } | { kind: 'garbage' } | { kind: 'hang' };

/** Wraps a real backend and injects faults: failures, delays, garbage replies and hangs. */
export class FaultyBackend implements CacheInstance {
  readonly inner: CacheInstance;
  readonly backendTimeoutMs: number | undefined;
  /** A breaker of its own (none by default: a wrapper does not inherit the inner backend's). */
  readonly breaker: BreakerSettings | false | undefined;
  /** The clock the core (and this backend's breaker) reads, when the test injects one. */
  readonly now: (() => number) | undefined;
  /** Calls that reached this backend, failed or not. */
  calls = 0;
  #mode: Mode = { kind: 'ok' };
  #failures = 0;

  constructor(inner: CacheInstance, options: { backendTimeoutMs?: number; breaker?: BreakerSettings | false; now?: () => number } = {}) {
    this.inner = inner;
    this.backendTimeoutMs = options.backendTimeoutMs;
    this.breaker = options.breaker;
    this.now = options.now;
  }

  /** The next `count` calls throw. */
  failNext(count = 1): this {
    this.#failures = count;
    return this;
  }
  alwaysThrow(): this {
    this.#mode = { kind: 'throw' };
    return this;
  }
  delay(ms: number): this {
    this.#mode = { kind: 'delay', ms };
    return this;
  }
  hang(): this {
    this.#mode = { kind: 'hang' };
    return this;
  }
  returnGarbage(): this {
    this.#mode = { kind: 'garbage' };
    return this;
  }
  heal(): this {
    this.#mode = { kind: 'ok' };
    this.#failures = 0;
    return this;
  }

  async #through<T>(run: () => Promise<T>, garbage: () => T): Promise<T> {
    this.calls++;
    if (this.#failures > 0) {
      this.#failures--;
      throw new Error('injected failure');
    }
    switch (this.#mode.kind) {
      case 'throw':
        throw new Error('injected failure');
      case 'hang':
        return new Promise<T>(() => undefined);
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, (this.#mode as { ms: number }).ms));
        return run();
      case 'garbage':
        return garbage();
      case 'ok':
        return run();
    }
  }

  get(key: string): Promise<unknown> {
    return this.#through(() => this.inner.get(key), () => ({ not: 'an entry' }));
  }
  getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    return this.#through(() => this.inner.getMany(keys), () => new Map(keys.map((key) => [key, 42])));
  }
  set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
    return this.#through(() => this.inner.set(key, value, timeout), () => undefined);
  }
  setMany(entries: ReadonlyMap<string, unknown>, timeout?: BackendTimeout): Promise<void> {
    return this.#through(() => this.inner.setMany(entries, timeout), () => undefined);
  }
  add(key: string, value: unknown, timeout?: BackendTimeout): Promise<boolean> {
    return this.#through(() => this.inner.add(key, value, timeout), () => true);
  }
  delete(key: string): Promise<boolean> {
    return this.#through(() => this.inner.delete(key), () => true);
  }
}
