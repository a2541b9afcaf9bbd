/**
 * One process of the lock herd (lock-herd.test.ts), run as
 * `node ts-node/dist/bin.js --transpile-only <this file>` with an IPC channel. It builds its own
 * backend on the test's servers, then on each `herd` order makes `calls` concurrent calls of a
 * cached function with `lock` on one cold key and reports their results. The function records
 * each run on the server (`INCR`, or memcached `incr`) unless told the server will be frozen, tells
 * the parent it runs, and holds until the parent says `finish`.
 */
import Redis, { Cluster } from 'ioredis';
import { cached, type CacheEvent, type CacheInstance, type LockOptions } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { deferred } from './deferred';
import { rawExchange } from './raw-memcached';
import { hostAndPort } from './host-and-port';

export type HerdKind = 'redis' | 'redisCluster' | 'memcached';

/** Orders from the parent. */
export type ToWorker =
  | { type: 'start'; kind: HerdKind; addresses: string[]; prefix: string; backendTimeoutMs: number }
  | { type: 'herd'; id: string; calls: number; lock: LockOptions; tags: string[]; counterKey: string | undefined; backendTimeoutMs: number | undefined }
  | { type: 'finish' }
  | { type: 'again'; id: string }
  | { type: 'stop' };

/** Reports to the parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'missed'; id: string }
  | { type: 'running'; id: string; run: number | undefined }
  | { type: 'lock'; id: string; outcome: string }
  | { type: 'done'; id: string; results: string[] }
  | { type: 'again-done'; id: string; result: string };

let backend: CacheInstance | undefined;
let counter: ((key: string) => Promise<number>) | undefined;
let finished = deferred();
const handles = new Map<string, (id: string) => Promise<unknown>>();

function send(message: FromWorker): void {
  process.send?.(message);
}

function start(order: Extract<ToWorker, { type: 'start' }>): Promise<unknown> {
  const { kind, addresses, prefix, backendTimeoutMs } = order;
  if (kind === 'memcached') {
    backend = new MemcachedCache(addresses, { prefix, backendTimeoutMs });
    const address = addresses[0] ?? '';
    counter = async (key) => Number((await rawExchange(address, `incr ${key} 1\r\n`)).toString('latin1').trim());
  } else {
    const client = kind === 'redis' ? new Redis(hostAndPort(addresses[0] ?? '')) : new Cluster(addresses.map(hostAndPort));
    backend = new RedisCache(client, { prefix, backendTimeoutMs });
    counter = (key) => client.incr(key);
  }
  // Connected before the parent's barrier: the herd starts together.
  return backend.get('warm-up');
}

function herdFunction(order: Extract<ToWorker, { type: 'herd' }>): (id: string) => Promise<unknown> {
  // Reported once every call has read and missed: an invalidation after it cannot reach a read.
  let misses = 0;
  const onEvent = (event: CacheEvent): void => {
    if (event.type === 'miss' && ++misses === order.calls) send({ type: 'missed', id: order.id });
    if (event.type === 'lock') send({ type: 'lock', id: order.id, outcome: event.reason ? `${event.outcome}:${event.reason}` : event.outcome });
  };
  let local = 0;
  const fn = async (id: string): Promise<string> => {
    local += 1;
    const run = order.counterKey === undefined ? undefined : await counter?.(order.counterKey);
    send({ type: 'running', id: order.id, run });
    await finished.promise;
    return run === undefined ? `${id}:pid${process.pid}:${local}` : `${id}:v${run}`;
  };
  const bound = order.backendTimeoutMs === undefined ? {} : { backendTimeoutMs: order.backendTimeoutMs };
  return cached(fn, { cacheKey: 'herd:{id}', cacheInstance: backend, lock: order.lock, tags: order.tags, onEvent, ...bound });
}

async function herd(order: Extract<ToWorker, { type: 'herd' }>): Promise<void> {
  finished = deferred();
  const get = herdFunction(order);
  handles.set(order.id, get);
  const settled = await Promise.allSettled(Array.from({ length: order.calls }, () => get(order.id)));
  const results = settled.map((outcome) => (outcome.status === 'fulfilled' ? String(outcome.value) : `error: ${String(outcome.reason)}`));
  send({ type: 'done', id: order.id, results });
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      void start(message).then(() => send({ type: 'ready' }));
      break;
    case 'herd':
      void herd(message);
      break;
    case 'finish':
      finished.resolve();
      break;
    case 'again':
      void handles.get(message.id)?.(message.id).then((result) => send({ type: 'again-done', id: message.id, result: String(result) }));
      break;
    case 'stop':
      void Promise.resolve(backend?.close?.()).finally(() => process.exit(0));
      break;
  }
});
