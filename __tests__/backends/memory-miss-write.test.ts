/**
 * The memory miss path's write (issue 16 item 8): a `MemoryCache` is written with `setSync`, with
 * no Promise, and keeps a copy that shares nothing with the value the caller got. These pin what
 * the faster write must keep: the copy, the subclass overrides, the fault handling of `set`, and
 * the traced path.
 */
import * as diagnostics from 'node:diagnostics_channel';
import { cached, type CacheEvent } from '../../lib';
import type { BackendTimeout } from '../../lib/backends/backend';
import { MemoryCache } from '../../lib/backends/memory/memory-cache';
import { BackendError, SerializationError, ValueTooLargeError } from '../../lib/errors';
import { mutateEverywhere, objectsIn } from '../helpers/mutate-everywhere';

/** A user record like the benchmark's, a fresh object per computation. */
function makeUser(id: number) {
  return { id, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', { scopes: ['read'] }] };
}

describe('a miss on MemoryCache (default copies)', () => {
  it("returns the function's own value, and stores a copy that shares nothing with it", async () => {
    const returned: object[] = [];
    const getUser = cached(
      async (id: number) => {
        const user = makeUser(id);
        returned.push(user);
        return user;
      },
      { cacheKey: 'user:{id}', cacheInstance: new MemoryCache() },
    );
    const first = await getUser(1);
    expect(first).toBe(returned[0]);
    // Whatever the caller (or the function, which kept a reference) does to it afterwards...
    mutateEverywhere(first);
    const hit = await getUser(1);
    // ...the entry still holds what the function returned, and the hit is another copy again.
    expect(hit).toStrictEqual(makeUser(1));
    expect(returned).toHaveLength(1);
    const before = objectsIn(first);
    for (const object of objectsIn(hit)) expect(before.has(object)).toBe(false);
  });

  it('stores with setSync, not set, and the value comes back equal', async () => {
    const cache = new MemoryCache();
    const setSync = jest.spyOn(cache, 'setSync');
    const set = jest.spyOn(cache, 'set');
    const getUser = cached(async (id: number) => makeUser(id), { cacheKey: 'user:{id}', timeout: 60, cacheInstance: cache });
    await getUser(7);
    expect(setSync).toHaveBeenCalledTimes(1);
    expect(set).not.toHaveBeenCalled();
    expect(await getUser(7)).toStrictEqual(makeUser(7));
  });

  it('reports the set event after the write, as before', async () => {
    const events: CacheEvent[] = [];
    const cache = new MemoryCache();
    const getUser = cached(async (id: number) => makeUser(id), { cacheKey: 'user:{id}', cacheInstance: cache, onEvent: (event) => events.push(event) });
    await getUser(3);
    expect(events.map((event) => event.type)).toEqual(['miss', 'set']);
    expect(events[1]).toMatchObject({ type: 'set', key: 'user:3', tags: [] });
    expect(cache.getSync('user:3')).not.toBe(cache.getSync('user:3'));
  });
});

describe('MemoryCache.setSync', () => {
  it('stores a copy as set does: changing the object afterwards changes nothing cached', () => {
    const cache = new MemoryCache();
    const value = { m: 'mark', v: makeUser(1) };
    cache.setSync('k', value, 60);
    mutateEverywhere(value);
    value.m = 'changed';
    expect(cache.getSync('k')).toStrictEqual({ m: 'mark', v: makeUser(1) });
  });

  it('copies an object under m as well on every read (not only v)', () => {
    const cache = new MemoryCache();
    cache.setSync('k', { m: { a: [1] }, v: { b: [2] } });
    const first = cache.getSync('k');
    mutateEverywhere(first);
    expect(cache.getSync('k')).toStrictEqual({ m: { a: [1] }, v: { b: [2] } });
  });

  it('throws where set rejects: after close, a value too large, a function inside', async () => {
    const small = new MemoryCache({ maxBytes: 64 });
    expect(() => small.setSync('k', { m: 'x', v: 'y'.repeat(100) })).toThrow(ValueTooLargeError);
    await expect(small.set('k', { m: 'x', v: 'y'.repeat(100) })).rejects.toThrow(ValueTooLargeError);
    const cache = new MemoryCache();
    expect(() => cache.setSync('k', { m: 'x', v: { f: () => 1 } })).toThrow(SerializationError);
    await cache.close();
    expect(() => cache.setSync('k', 1)).toThrow(BackendError);
  });

  it('is not used when a subclass overrides set: the miss writes through the override', async () => {
    class CountingSets extends MemoryCache {
      sets = 0;
      override async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
        this.sets += 1;
        return super.set(key, value, timeout);
      }
    }
    const cache = new CountingSets();
    expect(cache.setSync).toBeUndefined();
    const getUser = cached(async (id: number) => makeUser(id), { cacheKey: 'user:{id}', cacheInstance: cache });
    await getUser(1);
    expect(cache.sets).toBe(1);
    expect(await getUser(1)).toStrictEqual(makeUser(1));
    expect(cache.sets).toBe(1);
  });

  it('keeps a subclass setSync that overrides both', () => {
    class BothOverridden extends MemoryCache {
      override async set(key: string, value: unknown, timeout?: BackendTimeout): Promise<void> {
        return super.set(key, value, timeout);
      }
      override setSync(key: string, value: unknown, timeout?: BackendTimeout): void {
        super.setSync(key, value, timeout);
      }
    }
    expect(typeof new BothOverridden().setSync).toBe('function');
  });
});

describe('a write through setSync that fails', () => {
  /** A MemoryCache whose writes fail like a broken backend would. */
  class FailingWrites extends MemoryCache {
    override setSync(): void {
      throw new Error('disk on fire');
    }
  }

  it('is reported and the caller gets its value', async () => {
    const reported: string[] = [];
    const getUser = cached(async (id: number) => makeUser(id), {
      cacheKey: 'user:{id}',
      cacheInstance: new FailingWrites(),
      onError: (error) => reported.push(error.message),
    });
    await expect(getUser(1)).resolves.toStrictEqual(makeUser(1));
    expect(reported).toEqual([expect.stringContaining('backend set failed for key user:1: disk on fire')]);
  });

  it('rejects a strict function with BackendError', async () => {
    const getUser = cached(async (id: number) => makeUser(id), { cacheKey: 'user:{id}', cacheInstance: new FailingWrites(), strict: true, onError: () => undefined });
    await expect(getUser(1)).rejects.toThrow(BackendError);
  });

  it('of a value too large is reported once per function, in its words', async () => {
    const reported: unknown[] = [];
    const getText = cached(async (id: number) => 'x'.repeat(200 + id), {
      cacheKey: 'text:{id}',
      cacheInstance: new MemoryCache({ maxBytes: 100 }),
      onError: (error) => reported.push(error),
    });
    await expect(getText(1)).resolves.toHaveLength(201);
    await expect(getText(2)).resolves.toHaveLength(202);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(ValueTooLargeError);
    expect((reported[0] as Error).message).toContain('every call recomputes it (reported once per function)');
  });

  it('of a function inside the value names the path to it', async () => {
    const reported: string[] = [];
    const getHandler = cached(async (id: number) => ({ id, on: { click: () => id } }), {
      cacheKey: 'handler:{id}',
      cacheInstance: new MemoryCache(),
      onError: (error) => reported.push(error.message),
    });
    const value = await getHandler(1);
    expect(value.on.click()).toBe(1);
    expect(reported).toEqual([expect.stringContaining('it holds a function at value.on.click')]);
  });
});

describe('with a subscriber on easy-cache:backend', () => {
  it('the write goes through set, and is traced', async () => {
    const operations: string[] = [];
    const onStart = (message: unknown) => operations.push((message as { operation: string }).operation);
    diagnostics.subscribe('tracing:easy-cache:backend:start', onStart);
    try {
      const cache = new MemoryCache();
      const setSync = jest.spyOn(cache, 'setSync');
      const getUser = cached(async (id: number) => makeUser(id), { cacheKey: 'user:{id}', cacheInstance: cache });
      await getUser(1);
      expect(operations).toContain('set');
      expect(setSync).not.toHaveBeenCalled();
      expect(await getUser(1)).toStrictEqual(makeUser(1));
    } finally {
      diagnostics.unsubscribe('tracing:easy-cache:backend:start', onStart);
    }
  });
});
