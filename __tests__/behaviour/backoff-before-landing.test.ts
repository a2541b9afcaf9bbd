/**
 * SPEC 11.1, "after a fail-safe return, the stale value is served ... without calling the function
 * again": the key backs off the moment its flight fails, before the flight leaves the key. A call
 * whose read of the stale entry completes in between (its reply a few microtasks behind another
 * caller's, as replies of one multi-key read are) must find either the flight or the backoff, and
 * never run the function a second time. The backend here answers reads only when the test opens
 * a gate, each read a chosen number of microtasks after it.
 */
import { cached, NOT_FOUND } from '../../lib';
import { deferred } from '../helpers/deferred';
import { MemoryBehindReads } from '../helpers/memory-behind-reads';

/** A `MemoryCache` read through `get` only (the remote path), each reply held until `open()`, then `depths.shift()` microtasks more. */
class GatedReads extends MemoryBehindReads {
  readonly now: () => number;
  /** How many microtasks after the gate opens each next read answers (0 when empty). */
  readonly depths: number[] = [];
  #gate = deferred();

  constructor(now: () => number) {
    super({ now });
    this.now = now;
  }

  open(): void {
    this.#gate.resolve();
  }

  shut(): void {
    this.#gate = deferred();
  }

  async get(key: string): Promise<unknown> {
    const depth = this.depths.shift() ?? 0;
    await this.#gate.promise;
    for (let i = 0; i < depth; i++) await undefined;
    return this.inner.getSync(key);
  }

  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    for (const key of keys) {
      const value = await this.get(key);
      if (value !== NOT_FOUND) found.set(key, value);
    }
    return found;
  }
}

describe('graceBackoff starts before the failed flight leaves its key', () => {
  const cases = ['an async function', 'a function that throws at once'].flatMap((kind) => Array.from({ length: 24 }, (_, depth) => [kind, depth] as const));
  it.each(cases)('%s: a second caller whose stale read completes %i microtasks later serves the stale value and does not call the function', async (kind, depth) => {
    let now = 1_000_000;
    const backend = new GatedReads(() => now);
    let runs = 0;
    let failing = false;
    const compute = (id: number) => {
      runs += 1;
      if (failing) throw new Error('source down');
      return { id, run: runs };
    };
    const get = cached(
      kind === 'an async function' ? async (id: number) => compute(id) : (id: number) => Promise.resolve(compute(id)),
      { cacheKey: 'window:{id}', timeout: 1, grace: 60, graceBackoff: 30, cacheInstance: backend, onError: () => undefined },
    );
    backend.open();
    await get(1);
    now += 1500; // stale: past the timeout, within grace
    failing = true;
    runs = 0;
    backend.shut();
    backend.depths.push(0, depth);
    const first = get(1);
    const second = get(1);
    backend.open();
    await expect(Promise.all([first, second])).resolves.toEqual([
      { id: 1, run: 1 },
      { id: 1, run: 1 },
    ]);
    expect(runs).toBe(1);
  });
});
