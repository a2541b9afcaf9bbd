/**
 * The other process of the near-coherence benchmark: a RedisCache on the same Redis and prefix
 * that invalidates when the parent asks (over IPC) and answers with the moment the invalidation
 * resolved, as `performance.timeOrigin + performance.now()` (milliseconds on the machine's clock,
 * comparable across processes).
 *
 * Usage (forked): near-writer-child.js <redis port> <prefix>
 */
import { loadEasyCache, loadRootClients } from './load-library.js';

const [, , port, prefix] = process.argv;
const { core, redis } = loadEasyCache();
const { Redis } = loadRootClients();
const client = new Redis({ host: '127.0.0.1', port: Number(port) });
const cache = new redis.RedisCache(client, { prefix });

process.on('message', async (order) => {
  if (order.op === 'stop') {
    client.disconnect();
    process.exit(0);
  }
  if (order.op === 'key') await core.invalidateCacheKey(order.key, { cacheInstance: cache });
  else await core.invalidateCacheTags(order.tag, { cacheInstance: cache });
  process.send({ resolvedAt: performance.timeOrigin + performance.now() });
});
process.send({ ready: true });
