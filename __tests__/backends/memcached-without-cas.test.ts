/**
 * A memcached client without `gets` and `cas` (they are optional in `MemcachedClient`): a lock's
 * compare-and-delete removes nothing (the lock then expires), and `rewrite` reads with `get` and
 * writes with `set` or `delete`, not atomically, so that a soft key invalidation still marks the
 * entry stale.
 */
import Memcached from 'memcached';
import { cached, NOT_FOUND, type CacheEvent } from '../../lib';
import { MemcachedCache, type MemcachedClient } from '../../lib/backends/memcached';
import { describeWithMemcached, uniquePrefix } from '../helpers/server-suites';

/** The methods of `client` that `MemcachedCache` needs, and no `gets` or `cas`. */
function withoutCas(client: Memcached): MemcachedClient {
  return {
    get: (key, callback) => client.get(key, callback),
    getMulti: (keys, callback) => client.getMulti(keys, callback),
    set: (key, value, lifetime, callback) => client.set(key, value, lifetime, callback),
    add: (key, value, lifetime, callback) => client.add(key, value, lifetime, callback),
    touch: (key, lifetime, callback) => client.touch(key, lifetime, callback),
    del: (key, callback) => client.del(key, callback),
    end: () => client.end(),
  };
}

describeWithMemcached('MemcachedCache on a client without gets and cas', (addresses) => {
  let client: Memcached;
  let backend: MemcachedCache;
  beforeAll(() => {
    client = new Memcached(addresses);
    backend = new MemcachedCache(withoutCas(client), { prefix: uniquePrefix('no-cas') });
  });
  afterAll(() => {
    client.end();
  });

  it('removes nothing with deleteIfEquals: the lock is left to expire', async () => {
    await backend.add('lock', 'token', 60);
    await expect(backend.deleteIfEquals('lock', 'token')).resolves.toBe(false);
    await expect(backend.get('lock')).resolves.toBe('token');
  });

  it('rewrites by a get and then a set or a delete', async () => {
    await backend.set('entry', { n: 1 }, 60);
    await expect(backend.rewrite('entry', (stored) => ({ value: { n: (stored as { n: number }).n + 1 }, timeout: 60 }))).resolves.toBe(true);
    await expect(backend.get('entry')).resolves.toEqual({ n: 2 });
    await expect(backend.rewrite('entry', () => 'delete')).resolves.toBe(true);
    await expect(backend.get('entry')).resolves.toBe(NOT_FOUND);
    await expect(backend.rewrite('entry', (stored) => (stored === NOT_FOUND ? { value: 'made', timeout: 60 } : 'keep'))).resolves.toBe(true);
    await expect(backend.get('entry')).resolves.toBe('made');
  });

  it('expires a key: the entry is stale, served when its function fails', async () => {
    const events: CacheEvent[] = [];
    let failing = false;
    const get = cached(
      async (id: number) => {
        if (failing) throw new Error('source down');
        return { id };
      },
      { cacheKey: 'user:{id}', timeout: 60, grace: 600, cacheInstance: backend, onError: () => undefined, onEvent: (event) => events.push(event) },
    );
    await get(1);
    await get.expireCacheByKey(1);
    failing = true;
    await expect(get(1)).resolves.toEqual({ id: 1 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'stale', reason: 'error' }));
  });
});
