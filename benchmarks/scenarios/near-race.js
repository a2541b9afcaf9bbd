/**
 * The race oracle across two near caches: a writer changes items and invalidates their tags
 * through one RedisCache, while 50 readers call the cached function through another RedisCache
 * with a near cache (connections of its own, as another process would have). A read is stale when
 * it returns a version older than one whose invalidation had completed before the call started;
 * its age is how long before the call that invalidation completed. The near cache promises stale
 * reads only within the push delay: the ages should look like the `near-coherence` delays.
 */
const IDS = 8;
const READERS = 50;
const RUN_MS = 3000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

async function trusted(cache) {
  const deadline = Date.now() + 10_000;
  while (cache.nearCacheState !== 'trusted') {
    if (Date.now() > deadline) throw new Error('client tracking did not come up within 10 s');
    await sleep(10);
  }
}

export default {
  id: 'near-race',
  title: 'Race oracle across two near caches (stale reads and their age)',
  measures: `${READERS} readers through a RedisCache with a near cache, a writer invalidating tags through another one, ${RUN_MS} ms; a stale read returned a version whose successor's invalidation had completed before the call started; age in milliseconds.`,
  backend: 'redis',
  custom: true,
  table: (rows) => [
    ['run', 'calls', 'near hits', 'invalidations', 'stale reads', 'age p50 ms', 'age p99 ms', 'age max ms'],
    rows.map((row) =>
      row.error
        ? [row.label, 'error', '', '', '', '', '', row.error]
        : [row.label, String(row.calls), String(row.nearHits), String(row.invalidations), String(row.stale.length), percentile(row.stale, 50).toFixed(3), percentile(row.stale, 99).toFixed(3), (row.stale.at(-1) ?? 0).toFixed(3)],
    ),
  ],
  async measure(env) {
    const { core, redis: redisEntry } = env.lib;
    const prefix = `${env.prefix}near-race`;
    const clients = [new env.clients.Redis({ host: '127.0.0.1', port: env.redisPort }), new env.clients.Redis({ host: '127.0.0.1', port: env.redisPort })];
    const reader = new redisEntry.RedisCache(clients[0], { prefix, nearCache: {}, backendTimeoutMs: 1000 });
    const writer = new redisEntry.RedisCache(clients[1], { prefix, nearCache: {}, backendTimeoutMs: 1000 });
    const current = new Array(IDS).fill(0);
    // publishedAt[id][v]: when the invalidation that followed the write of version v completed.
    const publishedAt = Array.from({ length: IDS }, () => [0]);
    const row = { label: 'tags invalidated by the other instance', calls: 0, nearHits: 0, invalidations: 0, stale: [] };
    try {
      await Promise.all([trusted(reader), trusted(writer)]);
      const get = core.cached(
        async (id) => {
          const version = current[id];
          await sleep(Math.random() * 3);
          return { id, version };
        },
        { cacheKey: 'item:{id}', tags: ['item:{id}'], timeout: 60, cacheInstance: reader, onError: () => undefined, onEvent: (event) => event.type === 'hit' && event.tier === 'near' && row.nearHits++ },
      );
      const deadline = Date.now() + RUN_MS;
      const writing = (async () => {
        for (let round = 0; Date.now() < deadline; round++) {
          const id = round % IDS;
          current[id] += 1;
          await core.invalidateCacheTags(`item:${id}`, { cacheInstance: writer }).catch(() => undefined);
          publishedAt[id][current[id]] = performance.now();
          row.invalidations++;
          await sleep(5);
        }
      })();
      const reading = Array.from({ length: READERS }, async () => {
        while (Date.now() < deadline) {
          const id = Math.floor(Math.random() * IDS);
          const started = performance.now();
          const value = await get(id);
          row.calls++;
          const successor = publishedAt[id][value.version + 1];
          if (successor !== undefined && successor < started) row.stale.push(started - successor);
          // A near hit never waits for I/O: without this, readers would starve the writer and the pushes.
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
      await Promise.all([writing, ...reading]);
      row.stale.sort((a, b) => a - b);
    } catch (error) {
      row.error = error.message;
    } finally {
      await reader.close();
      await writer.close();
      for (const client of clients) client.disconnect();
    }
    return [row];
  },
};
