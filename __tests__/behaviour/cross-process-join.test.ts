/**
 * SPEC 11.9: a call that starts after another process's tag invalidation has resolved never gets a
 * value computed before it, even while this process is still computing the key. The other process
 * is a real one, talking to the same server.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis, { Cluster } from 'ioredis';
import { cached, type CacheInstance } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { deferred, waitFor } from '../helpers/deferred';
import { serverAddresses, uniquePrefix, type ServerKind } from '../helpers/server-suites';
import { hostAndPort } from '../helpers/host-and-port';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const SCRIPT = path.join(REPO_ROOT, '__tests__', 'helpers', 'invalidate-elsewhere.ts');

type Kind = Extract<ServerKind, 'redis' | 'redisCluster' | 'memcached'>;

/** Invalidates `tags` from a process of its own; resolves once that process has exited cleanly. */
async function invalidateInAnotherProcess(kind: Kind, prefix: string, tags: string[]): Promise<void> {
  const order = JSON.stringify({ kind, addresses: serverAddresses(kind), prefix, tags });
  await promisify(execFile)(process.execPath, [TS_NODE, '--transpile-only', SCRIPT, order], { cwd: REPO_ROOT, timeout: 60_000 });
}

function backendFor(kind: Kind, prefix: string): { backend: CacheInstance; close(): Promise<void> } {
  const addresses = serverAddresses(kind);
  if (kind === 'memcached') {
    const backend = new MemcachedCache(addresses, { prefix });
    return { backend, close: () => backend.close() };
  }
  const client = kind === 'redis' ? new Redis(hostAndPort(addresses[0] ?? '')) : new Cluster(addresses.map(hostAndPort));
  return { backend: new RedisCache(client, { prefix }), close: async () => void client.disconnect() };
}

const kinds = (['redis', 'redisCluster', 'memcached'] as const).filter((kind) => serverAddresses(kind).length > 0);

describe('a miss never joins a computation older than another process\'s invalidation', () => {
  if (kinds.length === 0) it.skip('needs a server (see the global set-up banner)', () => undefined);

  it.each(kinds)('on %s', async (kind) => {
    const prefix = uniquePrefix(`xjoin-${kind}`);
    const { backend, close } = backendFor(kind, prefix);
    const firstRunMayEnd = deferred();
    try {
      let source = 'old';
      let runs = 0;
      const getBook = cached(
        async (id: number) => {
          runs += 1;
          const value = `${source}-${id}`;
          if (runs === 1) await firstRunMayEnd.promise;
          return value;
        },
        { cacheKey: 'book:{id}', tags: ['book:{id}'], cacheInstance: backend, backendTimeoutMs: 5000 },
      );

      // This process computes book 1 from the old row and is still at it...
      const first = getBook(1);
      await waitFor(() => runs === 1, 0, 30_000);
      // ...when another process updates the row and invalidates the tag.
      source = 'new';
      await invalidateInAnotherProcess(kind, prefix, ['book:1']);

      // A call that starts now computes afresh instead of joining the older computation (which
      // is still paused: a joined call could not even resolve).
      const second = getBook(1);
      await waitFor(() => runs === 2, 0, 10_000).catch(() => undefined);
      expect(runs).toBe(2);
      await expect(second).resolves.toBe('new-1');

      firstRunMayEnd.resolve();
      await expect(first).resolves.toBe('old-1');
      // The older value was not stored over the newer one.
      await expect(getBook(1)).resolves.toBe('new-1');
      expect(runs).toBe(2);
    } finally {
      firstRunMayEnd.resolve();
      await close();
    }
  }, 90_000);

  it.each(kinds)('concurrent first misses on %s still run the function once', async (kind) => {
    const { backend, close } = backendFor(kind, uniquePrefix(`xjoin-once-${kind}`));
    const release = deferred();
    try {
      let runs = 0;
      let misses = 0;
      const getBook = cached(
        async (id: number) => {
          runs += 1;
          await release.promise;
          return `book-${id}`;
        },
        {
          cacheKey: 'book:{id}',
          tags: ['book:{id}', 'books'],
          cacheInstance: backend,
          backendTimeoutMs: 5000,
          onEvent: (event) => {
            if (event.type === 'miss') misses += 1;
          },
        },
      );
      const early = Array.from({ length: 20 }, () => getBook(7));
      await waitFor(() => runs === 1, 0, 30_000);
      // Callers that arrive after the first one created the tags read the versions it created: they join too.
      const late = Array.from({ length: 20 }, () => getBook(7));
      // Each miss decides to join or start right after its event.
      await waitFor(() => misses === 40, 0, 30_000);
      release.resolve();
      expect(new Set(await Promise.all([...early, ...late]))).toEqual(new Set(['book-7']));
      expect(runs).toBe(1);
    } finally {
      release.resolve();
      await close();
    }
  }, 90_000);
});
