import { MemoryCache, cached, type CacheEvent } from '../../lib';

describe('EASY_CACHE_DEBUG=yes and events', () => {
  it('logs HIT, MISS, SET, INVALIDATE and EXPIRE with keys, and emits the same events in order', async () => {
    process.env.EASY_CACHE_DEBUG = 'yes';
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const events: CacheEvent[] = [];
    const get = cached(async (id: number) => id, {
      name: 'getItem',
      cacheKey: 'item:{id}',
      tags: ['items'],
      cacheInstance: new MemoryCache(),
      onEvent: (event) => events.push(event),
    });
    await get(1);
    await get(1);
    await get.invalidateCacheByKey(1);
    await get.invalidateCacheByTags(['other', 'items']);
    await get.expireCacheByKey(1);
    await get.expireCacheByTags(['items']);
    const long = cached(async (text: string) => text, { name: 'echo', cacheInstance: new MemoryCache() });
    await long('x'.repeat(500));
    const lines = log.mock.calls.map((call) => String(call[0]));
    log.mockRestore();
    delete process.env.EASY_CACHE_DEBUG;
    expect(lines.slice(0, 8)).toEqual([
      '[easy-cache] MISS cached(getItem) item:1',
      '[easy-cache] SET cached(getItem) item:1 tags=tag:items',
      '[easy-cache] HIT cached(getItem) item:1',
      '[easy-cache] INVALIDATE cached(getItem) by key item:1',
      '[easy-cache] cached(getItem): invalidateCacheByTags ignored tags that are not the function\'s: other',
      '[easy-cache] INVALIDATE cached(getItem) by tag tag:items',
      '[easy-cache] EXPIRE cached(getItem) by key item:1',
      '[easy-cache] EXPIRE cached(getItem) by tag tag:items',
    ]);
    expect(lines.at(-1)).toMatch(/^\[easy-cache\] SET cached\(echo\) echo:x{195}…\(505 chars\)$/);
    const described = events.map((event) => `${event.type}:${event.key}${event.type === 'invalidate' ? ` (${event.mode})` : ''}`);
    expect(described).toEqual(['miss:item:1', 'set:item:1', 'hit:item:1', 'invalidate:item:1 (hard)', 'invalidate:tag:items (hard)', 'invalidate:item:1 (soft)', 'invalidate:tag:items (soft)']);
  });
});
