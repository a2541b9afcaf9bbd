/**
 * The ioredis client of a `RedisCache`: telling a client from connection details, building one
 * with options that keep calls bounded while Redis is down, closing one that we own, and the
 * batching of a tick's reads.
 */
import { timerDelay } from '../../shared/timer-limit';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { CacheConfigError } from '../../errors';
import { requirePeer } from '../shared/require-peer';
import { describeValue } from '../../shared/describe-value';
import { clientErrorText, type ConnectionWatch } from '../shared/connection-watch';
import { ReadBatcher } from '../shared/read-batch';

/** An ioredis client: a stand-alone `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/**
 * Connection details for a client that `RedisCache` builds, owns and closes: a `url`
 * (`redis://user:pass@host:6379/0`, `rediss://` for TLS) with optional ioredis options, or ioredis
 * options alone (`{ host, port, db, ... }`). Options given here override the defaults of
 * `ownedClientDefaults`.
 */
export type RedisConnectionOptions = RedisOptions & {
  /** A `redis://` or `rediss://` URL; other options override what it says. */
  url?: string;
};

let loaded: typeof import('ioredis') | undefined;

/** The ioredis module, loaded when the first `RedisCache` is built (see `requirePeer`). */
export function ioredis(): typeof import('ioredis') {
  return (loaded ??= requirePeer<typeof import('ioredis')>('ioredis', 'easy-cache/redis', () => require('ioredis')));
}

/** Whether `value` is an ioredis client rather than connection details. */
export function isRedisClient(value: unknown): value is RedisClient {
  const { Redis, Cluster } = ioredis();
  if (value instanceof Redis || value instanceof Cluster) return true;
  // A second copy of ioredis (another version in node_modules) fails instanceof; its clients
  // still have these members, and connection options never have them as functions.
  const candidate = value as { sendCommand?: unknown; pipeline?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.sendCommand === 'function' &&
    typeof candidate.pipeline === 'function'
  );
}

/** Whether `client` is a Cluster client. */
export function isClusterClient(client: RedisClient): client is Cluster {
  return client instanceof ioredis().Cluster || (client as { isCluster?: unknown }).isCluster === true;
}

/**
 * The ioredis options that `RedisCache` sets on a client it builds, so that no call waits or
 * queues without bound while Redis is down or frozen:
 * - `connectTimeout: 2000`: a connection attempt gives up after 2 s;
 * - `maxRetriesPerRequest: 1`: commands queued while disconnected are failed after one
 *   unsuccessful reconnection, instead of waiting for Redis to come back;
 * - `retryStrategy`: reconnect after 100 ms, 200 ms, ... at most every 2 s, for ever;
 * - `commandTimeout`: a command without a reply fails after twice `backendTimeoutMs` (at least
 *   1 s), so a frozen server cannot pile up pending commands;
 * - `disconnectTimeout: 200`: on `close()`, a socket that has not closed 200 ms after it was ended
 *   is destroyed (ioredis arms this timer even for a socket already gone, and its 2 s default
 *   kept a process alive that long after `close()` of a client that was reconnecting);
 * - `enableAutoPipelining: true`: commands issued in the same tick leave in one write, which
 *   halves the cost of a hit with many calls in flight (measured in benchmarks/).
 */
export function ownedClientDefaults(backendTimeoutMs: number): RedisOptions {
  return {
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
    commandTimeout: timerDelay(Math.max(1000, Math.ceil(backendTimeoutMs * 2))),
    disconnectTimeout: 200,
    enableAutoPipelining: true,
  };
}

/** Builds a stand-alone client from connection details. */
export function createOwnedClient(connection: unknown, backendTimeoutMs: number): Redis {
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw new CacheConfigError(
      `RedisCache: the first argument must be an ioredis Redis or Cluster client, { url } or ioredis connection options; received ${describeValue(connection)}`,
      { received: connection },
    );
  }
  const { url, ...options } = connection as RedisConnectionOptions;
  if (url !== undefined && (typeof url !== 'string' || url.length === 0)) {
    throw new CacheConfigError(`RedisCache: option "url" must be a redis:// or rediss:// URL; received ${describeValue(url)}`, {
      option: 'url',
      received: url,
    });
  }
  const settings = { ...ownedClientDefaults(backendTimeoutMs), ...options };
  const { Redis } = ioredis();
  // No `error` listener here: the backend's `watchConnection` adds one at once, before any event can come.
  return url === undefined ? new Redis(settings) : new Redis(url, settings);
}

/**
 * Listens to the client's connection errors (on a Cluster, each node's too) and to its coming
 * back, for `watch`; returns what removes the listeners, so that a client passed in is left as it
 * was found. With a listener, ioredis no longer prints "Unhandled error event" stack traces: the
 * watch reports the errors through easy-cache's own reporting instead.
 */
export function watchConnection(client: RedisClient, watch: ConnectionWatch): () => void {
  let nodeErrorAt = 0;
  // A node's error names the node; the Cluster's own ("Failed to refresh slots cache") does not,
  // so it counts only when no node has said more lately.
  const onNodeError = (error: unknown, node: unknown) => {
    nodeErrorAt = Date.now();
    watch.failed(new Error(`${clientErrorText(error)} (node ${String(node)})`, { cause: error }));
  };
  const onError = (error: unknown) => {
    if (Date.now() - nodeErrorAt > NODE_ERROR_WINS_MS) watch.failed(error);
  };
  client.on('error', onError);
  client.on('ready', watch.connected);
  if (isClusterClient(client)) client.on('node error', onNodeError);
  return () => {
    client.off('error', onError);
    client.off('ready', watch.connected);
    client.off('node error', onNodeError);
  };
}

/** How long a Cluster node's error, which names the node, is preferred to the Cluster's own. */
const NODE_ERROR_WINS_MS = 5000;

/**
 * Closes a client we own: QUIT when connected, then a hard disconnect in any case, waiting (at
 * most `timeoutMs`) for the connection to end so that no socket or timer is left behind.
 */
export async function closeOwnedClient(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    client.once('end', resolve);
    timer = setTimeout(resolve, timeoutMs);
  });
  if (client.status === 'ready') await Promise.race([client.quit().catch(() => undefined), ended]);
  // A client that is reconnecting has no connection to end: disconnect() cancels the next
  // attempt, and 'end' may never come, hence the bound.
  // The status has moved on during the await; TypeScript still holds the earlier narrowing.
  if ((client.status as string) !== 'end') client.disconnect();
  await ended;
  clearTimeout(timer);
}

/** The gets of a tick on a stand-alone Redis: the first leaves at once as a `GET`, the rest together as one `MGET`. */
export function tickReads(redis: Redis): ReadBatcher<string | null> {
  return new ReadBatcher(
    (key) => redis.get(key),
    (keys) => redis.mget(keys as string[]),
  );
}
