/**
 * A backend whose server refuses connections (a free port with nothing listening): what the user
 * sees must name the cause and the address, never a client option the library chose, and nothing
 * may be printed by the client library itself. The lines shown in the docs are checked against
 * the lines these runs print (with the port written as 6379, as the docs do).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import Memcached from 'memcached';
import { MemoryCache, cached, caches, invalidateCacheKey, type EasyCacheError, type ErrorInfo } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { freePort } from '../setup/servers';

const DOCS = path.resolve(__dirname, '../../docs');
const DOC_PORT = { redis: 6379, memcached: 11211 };

/** Everything printed through the console or to stderr, in order. */
function capturePrinting(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  const spies = [
    jest.spyOn(console, 'log').mockImplementation(keep),
    jest.spyOn(console, 'warn').mockImplementation(keep),
    jest.spyOn(console, 'error').mockImplementation(keep),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(`stderr: ${String(chunk)}`);
      return true;
    }),
  ];
  return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** Resolves once `condition()` holds; fails the test (never a timing assertion) if it never does. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 30_000) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Collects what reaches `caches.onError`. */
function collectReports(): { reports: Array<{ error: EasyCacheError; info: ErrorInfo }>; stop(): void } {
  const reports: Array<{ error: EasyCacheError; info: ErrorInfo }> = [];
  caches.onError((error, info) => reports.push({ error, info }));
  return { reports, stop: () => caches.onError(undefined) };
}

/** The lines not printed by easy-cache (the debug logger, once attached, stays for the file). */
function printedByOthers(lines: readonly string[]): string[] {
  return lines.filter((line) => !line.startsWith('[easy-cache] '));
}

function atDocPort(text: string, port: number, docPort: number): string {
  return text.split(`127.0.0.1:${port}`).join(`127.0.0.1:${docPort}`);
}

afterEach(() => {
  caches.setDefault(new MemoryCache());
  caches.onError(undefined);
  delete process.env.EASY_CACHE_DEBUG;
});

describe('a Redis server that refuses connections', () => {
  it('with a client passed in: ioredis prints nothing, and the warnings and debug lines are the ones the docs show', async () => {
    const port = await freePort();
    const printed = capturePrinting();
    process.env.EASY_CACHE_DEBUG = 'yes';
    async function findBook(id: number): Promise<{ id: number; title: string }> {
      return { id, title: 'Dune' };
    }
    const getBook = cached(findBook, { cacheKey: 'book:{id}' });
    // ioredis arms a 2 s disconnect timer even for a socket already gone: kept short, so jest exits at once.
    const client = new Redis({ host: '127.0.0.1', port, disconnectTimeout: 50 });
    const backend = new RedisCache(client);
    caches.setDefault(backend);
    try {
      await until(() => printed.lines.some((line) => line.includes('ECONNREFUSED')), 'a connection error reported');
      await expect(getBook(1)).resolves.toEqual({ id: 1, title: 'Dune' });
      const rejection = getBook.invalidateCacheByKey(1);
      await expect(rejection).rejects.toThrow(`cached(findBook): backend delete failed for key book:1: cannot reach Redis: connect ECONNREFUSED 127.0.0.1:${port} (no answer within 250 ms)`);
      // Several reconnection attempts have failed by now, each an `error` event of the client.
      await until(() => client.listenerCount('error') > 0 && printed.lines.length >= 5, 'the lines of the run');
    } finally {
      client.disconnect();
      await backend.close();
      printed.restore();
    }
    const lines = printed.lines.map((line) => atDocPort(line, port, DOC_PORT.redis));
    expect(printedByOthers(lines)).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/maxRetriesPerRequest|Unhandled error event/);
    // The default warning is rate-limited per backend (one a second): on a slow machine the get's
    // may come a second after the connection's, so the debug lines are compared on their own.
    const [warning] = lines;
    const debugLines = lines.filter((line) => /^\[easy-cache\] (ERROR|MISS) /.test(line));
    const shown = [warning, ...debugLines.slice(0, 4)];
    expect(shown).toEqual([
      '[easy-cache] RedisCache: cannot reach Redis: connect ECONNREFUSED 127.0.0.1:6379; calls run uncached until it answers again',
      '[easy-cache] ERROR RedisCache: cannot reach Redis: connect ECONNREFUSED 127.0.0.1:6379; calls run uncached until it answers again',
      '[easy-cache] ERROR cached(findBook) book:1: cached(findBook): backend get failed for key book:1: cannot reach Redis: connect ECONNREFUSED 127.0.0.1:6379 (no answer within 250 ms)',
      '[easy-cache] MISS cached(findBook) book:1',
      '[easy-cache] ERROR cached(findBook) book:1: cached(findBook): backend delete failed for key book:1: cannot reach Redis: connect ECONNREFUSED 127.0.0.1:6379 (no answer within 250 ms)',
    ]);
    // Any other warning is one of the calls' own, in the same words.
    for (const line of lines.filter((line) => !shown.includes(line))) expect(line).toMatch(/^\[easy-cache\] cached\(findBook\): backend (get|delete) failed for key book:1: cannot reach Redis: connect ECONNREFUSED 127\.0\.0\.1:6379 \(no answer within 250 ms\)$/);
    const faultsDoc = readFileSync(path.join(DOCS, 'faults-and-debugging.md'), 'utf8');
    expect(faultsDoc).toContain(shown.join('\n'));
    const errorsDoc = readFileSync(path.join(DOCS, 'errors.md'), 'utf8');
    for (const line of [shown[0], shown[2], shown[4]]) expect(errorsDoc).toContain(String(line).replace(/^\[easy-cache\] (ERROR cached\(findBook\) book:1: )?/, ''));
    // Closed, the backend took its listeners off the client it was given.
    expect(client.listenerCount('error')).toBe(0);
  });

  it('with a client it built: every report names the cause and the address, none an ioredis option, and nothing is printed', async () => {
    const port = await freePort();
    const printed = capturePrinting();
    const { reports, stop } = collectReports();
    const backend = new RedisCache({ host: '127.0.0.1', port });
    caches.setDefault(backend);
    const getItem = cached(async (id: number) => ({ id }), { name: 'getItem', cacheKey: 'item:{id}' });
    try {
      await until(() => reports.some(({ info }) => info.operation === 'connect'), 'a connection error reported');
      for (let call = 0; call < 3; call++) await expect(getItem(call)).resolves.toEqual({ id: call });
      await expect(invalidateCacheKey('item:1')).rejects.toThrow(`connect ECONNREFUSED 127.0.0.1:${port}`);
    } finally {
      stop();
      await backend.close();
      printed.restore();
    }
    expect(printedByOthers(printed.lines)).toEqual([]);
    // The breaker (on by default) opens after 3 failed calls; its report and its refusals name the cause too.
    expect(reports.map(({ info }) => info.operation)).toEqual(expect.arrayContaining(['connect', 'get']));
    for (const { error } of reports) {
      expect(error.message).toContain(`cannot reach Redis: connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(error.message).not.toMatch(/maxRetriesPerRequest/);
    }
  });
});

describe('a Redis Cluster whose nodes refuse connections', () => {
  it('with a Cluster passed in: reports name the node, ioredis prints nothing, and the reports are few', async () => {
    const port = await freePort();
    const printed = capturePrinting();
    const { reports, stop } = collectReports();
    const cluster = new Cluster([{ host: '127.0.0.1', port }]);
    const backend = new RedisCache(cluster);
    caches.setDefault(backend);
    const getItem = cached(async (id: number) => ({ id }), { name: 'getItem', cacheKey: 'item:{id}' });
    try {
      await until(() => reports.some(({ info }) => info.operation === 'connect'), 'a connection error reported');
      await expect(getItem(1)).resolves.toEqual({ id: 1 });
      await expect(invalidateCacheKey('item:1')).rejects.toThrow(`(node 127.0.0.1:${port})`);
    } finally {
      stop();
      cluster.disconnect();
      await backend.close();
      printed.restore();
    }
    expect(printedByOthers(printed.lines)).toEqual([]);
    // The Cluster and its node take turns at failing: one connection report covers both.
    expect(reports.filter(({ info }) => info.operation === 'connect')).toHaveLength(1);
    for (const { error } of reports) expect(error.message).toMatch(new RegExp(`cannot reach Redis: .+ \\(node 127\\.0\\.0\\.1:${port}\\)`));
    expect(cluster.listenerCount('node error')).toBe(0);
  });
});

describe('a Memcached server that refuses connections', () => {
  it.each([
    ['a client it built', (address: string) => ({ backend: new MemcachedCache(address), end: () => undefined })],
    [
      'a client passed in',
      (address: string) => {
        const client = new Memcached(address, { retries: 0, failures: 1000, retry: 50, ...{ failuresTimeout: 50 } });
        return { backend: new MemcachedCache(client), end: () => client.end() };
      },
    ],
  ])('with %s: once the connection has failed, reports and invalidations name the cause and the address', async (_, make) => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const printed = capturePrinting();
    const { reports, stop } = collectReports();
    const { backend, end } = make(address);
    caches.setDefault(backend);
    const getItem = cached(async (id: number) => ({ id }), { name: 'getItem', cacheKey: 'item:{id}' });
    try {
      // Memcached connects on the first call; its failure is known once that attempt is over.
      await getItem(0);
      await until(() => reports.some(({ info }) => info.operation === 'connect'), 'a connection error reported');
      const before = reports.length;
      await expect(getItem(1)).resolves.toEqual({ id: 1 });
      await expect(invalidateCacheKey('item:1')).rejects.toThrow(`cannot reach Memcached: connect ECONNREFUSED ${address}`);
      const later = reports.slice(before);
      expect(later.length).toBeGreaterThan(0);
      for (const { error } of later) expect(error.message).toContain(`cannot reach Memcached: connect ECONNREFUSED ${address}`);
    } finally {
      stop();
      await backend.close();
      end();
      printed.restore();
    }
    expect(printedByOthers(printed.lines)).toEqual([]);
    const connect = reports.find(({ info }) => info.operation === 'connect');
    expect(connect?.error.message).toBe(`MemcachedCache: cannot reach Memcached: connect ECONNREFUSED ${address}; calls run uncached until it answers again`);
    expect(connect?.info.function).toBe('MemcachedCache');
  });
});
