/**
 * Coherence delay of the near cache: two RedisCache instances with near caches on connections of
 * their own (as two processes would have), one process; the time from an invalidation resolving
 * in one to the other no longer holding the old entry (or tag version) in memory.
 */
const SAMPLES = 300;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function trusted(cache) {
  const deadline = Date.now() + 10_000;
  while (cache.nearCacheState !== 'trusted') {
    if (Date.now() > deadline) throw new Error('client tracking did not come up within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Milliseconds from `invalidate()` resolving until `held()` is false, `samples` times; `hold()` makes it true first. */
async function delays(samples, hold, held, invalidate) {
  const found = [];
  for (let i = 0; i < samples; i++) {
    for (let tries = 0; !held() && tries < 100; tries++) await hold();
    if (!held()) throw new Error('the entry never came into the near cache');
    await invalidate();
    const resolved = performance.now();
    while (held()) await nextTurn();
    found.push(performance.now() - resolved);
  }
  return found.sort((a, b) => a - b);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export default {
  id: 'near-coherence',
  title: 'Near cache coherence delay (Redis client tracking, loopback)',
  measures: `From an invalidation resolving in one RedisCache to another RedisCache (its own connections, same process) no longer holding the old value in its near cache; ${SAMPLES} invalidations each; milliseconds.`,
  backend: 'none',
  custom: true,
  table: (rows) => [
    ['invalidation', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'samples'],
    rows.map((row) => (row.error ? [row.label, 'error', '', '', '', row.error] : [row.label, row.p50.toFixed(3), row.p90.toFixed(3), row.p99.toFixed(3), row.max.toFixed(3), String(row.samples)])),
  ],
  async measure(env) {
    const { core, redis: redisEntry } = env.lib;
    const prefix = `${env.prefix}near-coherence`;
    const clients = [];
    const make = () => {
      const client = new env.clients.Redis({ host: '127.0.0.1', port: env.redisPort });
      clients.push(client);
      return new redisEntry.RedisCache(client, { prefix, nearCache: {} });
    };
    const reader = make();
    const writer = make();
    const rows = [];
    try {
      await Promise.all([trusted(reader), trusted(writer)]);
      let runs = 0;
      const get = core.cached(async (id) => ({ id, run: runs++ }), { cacheKey: 'user:{id}', tags: ['users'], cacheInstance: reader });
      const heldKey = (key) => () => reader.getSync(key) !== core.NOT_HELD;
      const byKey = await delays(SAMPLES, () => get(1), heldKey('user:1'), () => core.invalidateCacheKey('user:1', { cacheInstance: writer }));
      const byTag = await delays(SAMPLES, () => get(1), heldKey('tag:users'), () => core.invalidateCacheTags('users', { cacheInstance: writer }));
      for (const [label, sorted] of [['by key (DEL of the entry)', byKey], ['by tag (new tag version)', byTag]]) {
        rows.push({ label, role: 'easy-cache', p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], samples: sorted.length });
      }
    } catch (error) {
      rows.push({ label: 'near cache coherence', role: 'easy-cache', error: error.message });
    } finally {
      await reader.close();
      await writer.close();
      for (const client of clients) client.disconnect();
    }
    return rows;
  },
};
