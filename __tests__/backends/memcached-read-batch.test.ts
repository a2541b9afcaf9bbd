/**
 * `MemcachedCache.get` gathers the gets of one tick for one server into one `get k1 k2 ...` (a
 * lone get stays a plain `get`), one batch per server, so a server that fails fails only its own
 * keys. Counted on the real client object the backend was given, and by the server's own stats.
 */
import Memcached from 'memcached';
import { NOT_FOUND } from '../../lib/backends/backend';
import { MemcachedCache, toSafeKey } from '../../lib/backends/memcached';
import { MAX_BATCH_KEYS } from '../../lib/backends/shared/read-batch';
import { BackendError, SerializationError } from '../../lib/errors';
import { rawGet, rawSet, rawStats } from '../helpers/raw-memcached';
import { ControlledServer } from '../helpers/server-control';
import { describeWithMemcached, uniquePrefix } from '../helpers/server-suites';
import { TcpProxy } from '../helpers/tcp-proxy';

/** One read the backend asked of the client. */
interface ClientRead {
  readonly method: 'get' | 'getMulti';
  readonly keys: readonly string[];
}

/**
 * The connection-pool retries of the clients MemcachedCache builds (a burst of sets waits for a
 * connection instead of failing with "The connection pool is full"); missing from the client's types.
 */
const POOL_RETRIES = { retries: 5, minTimeout: 10, factor: 2, maxTimeout: 160 } as Memcached.options;

/** A client for `servers` that records each `get` / `getMulti` it is asked for, then does it as usual. */
function recordingClient(servers: string | string[], namespace = ''): { client: Memcached; reads: ClientRead[] } {
  const client = new Memcached(servers, { ...POOL_RETRIES, namespace });
  const reads: ClientRead[] = [];
  const get = client.get.bind(client);
  const getMulti = client.getMulti.bind(client);
  client.get = ((key: string, callback: Parameters<typeof get>[1]) => {
    reads.push({ method: 'get', keys: [key] });
    return get(key, callback);
  }) as typeof client.get;
  client.getMulti = ((keys: string[], callback: Parameters<typeof getMulti>[1]) => {
    reads.push({ method: 'getMulti', keys: [...keys] });
    return getMulti(keys, callback);
  }) as typeof client.getMulti;
  return { client, reads };
}

/** The bytes `rawStats` itself sends, which the server counts in the second snapshot. */
const STATS_REQUEST_BYTES = Buffer.byteLength('stats\r\nversion\r\n');

/** What the server at `address` read while `run` ran: request bytes and keys looked up. */
async function serverCounts<T>(address: string, run: () => Promise<T>): Promise<{ result: T; bytesRead: number; keysAsked: number }> {
  const before = await rawStats(address);
  const result = await run();
  const after = await rawStats(address);
  const delta = (name: string): number => Number(after[name]) - Number(before[name]);
  return { result, bytesRead: delta('bytes_read') - STATS_REQUEST_BYTES, keysAsked: delta('cmd_get') };
}

/** The one server of `addresses` that holds the memcached key `safeKey` (the others answer nothing). */
async function holderOf(addresses: readonly string[], safeKey: string): Promise<string | undefined> {
  const held = await Promise.all(addresses.map(async (address) => (await rawGet(address, safeKey)) !== undefined));
  return held.filter(Boolean).length === 1 ? addresses[held.indexOf(true)] : undefined;
}

/** 64 keys, every third one never written: found and missing keys interleave in one batch. */
const KEYS = Array.from({ length: 64 }, (_, i) => `batch:${i}`);
const isWritten = (i: number): boolean => i % 3 !== 0;
const expected = (i: number): unknown => (isWritten(i) ? { i } : NOT_FOUND);

describeWithMemcached('MemcachedCache.get batching', (addresses) => {
  const prefix = uniquePrefix('memcached-batch');
  const safe = (key: string): string => toSafeKey(`${prefix}:${key}`);

  describe('on one server', () => {
    // A server of this file alone, so that its stats count only the reads made here.
    let server: ControlledServer;
    let client: Memcached;
    let reads: ClientRead[];
    let cache: MemcachedCache;

    beforeAll(async () => {
      server = await ControlledServer.start('memcached');
      ({ client, reads } = recordingClient(server.address));
      cache = new MemcachedCache(client, { prefix });
      await cache.setMany(new Map(KEYS.flatMap((key, i) => (isWritten(i) ? [[key, { i }] as const] : []))));
    }, 15_000);

    beforeEach(() => {
      reads.length = 0;
    });

    afterAll(async () => {
      await cache.close();
      client.end();
      await server.stop();
    });

    it('sends 64 gets started together as a get of the first and one getMulti of the other 63: two lines on the wire', async () => {
      const { result, bytesRead, keysAsked } = await serverCounts(server.address, () => Promise.all(KEYS.map((key) => cache.get(key))));
      const [first = '', ...rest] = KEYS.map(safe);
      expect(reads).toEqual([
        { method: 'get', keys: [first] },
        { method: 'getMulti', keys: rest },
      ]);
      expect(bytesRead).toBe(Buffer.byteLength(`get ${first}\r\nget ${rest.join(' ')}\r\n`));
      expect(keysAsked).toBe(KEYS.length);
      expect(result).toEqual(KEYS.map((_, i) => expected(i)));
    });

    it('sends a lone get as a plain get', async () => {
      const { result, bytesRead } = await serverCounts(server.address, () => cache.get('batch:1'));
      expect(reads).toEqual([{ method: 'get', keys: [safe('batch:1')] }]);
      expect(bytesRead).toBe(Buffer.byteLength(`get ${safe('batch:1')}\r\n`));
      expect(result).toEqual({ i: 1 });
    });

    it(`splits ${MAX_BATCH_KEYS + 44} gets of long keys in one tick into getMultis of at most ${MAX_BATCH_KEYS}`, async () => {
      const keys = Array.from({ length: MAX_BATCH_KEYS + 44 }, (_, i) => `long:${i}:`.padEnd(240, 'x'));
      await cache.setMany(new Map(keys.map((key, i) => [key, i])));
      reads.length = 0;
      const values = await Promise.all(keys.map((key) => cache.get(key)));
      expect(reads.map((read) => [read.method, read.keys.length])).toEqual([
        ['get', 1],
        ['getMulti', MAX_BATCH_KEYS],
        ['getMulti', 43],
      ]);
      expect(values).toEqual(keys.map((_, i) => i));
    });

    it('gives each caller of a key asked twice in one getMulti its own copy', async () => {
      await cache.set('twice', { list: [1, 2] });
      reads.length = 0;
      const [, first, second] = (await Promise.all([cache.get('batch:1'), cache.get('twice'), cache.get('twice')])) as Array<{ list: number[] }>;
      expect(reads[1]).toEqual({ method: 'getMulti', keys: [safe('twice'), safe('twice')] });
      expect(first).toEqual({ list: [1, 2] });
      expect(second).toEqual(first);
      expect(second).not.toBe(first);
      first?.list.push(3);
      expect(second?.list).toEqual([1, 2]);
    });

    it('rejects only the caller whose value cannot be decoded; the rest of the batch resolves', async () => {
      expect(await rawSet(server.address, safe('garbage'), 0, 'not easy-cache text')).toBe('STORED');
      const asked = ['batch:1', 'garbage', 'batch:0', 'batch:2'];
      const [before, garbage, missing, after] = await Promise.allSettled(asked.map((key) => cache.get(key)));
      // The first get leaves alone; the getMulti of the other three holds the garbage.
      expect(reads).toEqual([
        { method: 'get', keys: [safe('batch:1')] },
        { method: 'getMulti', keys: asked.slice(1).map(safe) },
      ]);
      expect(garbage).toMatchObject({ status: 'rejected', reason: expect.any(SerializationError) });
      expect([before, missing, after]).toEqual([
        { status: 'fulfilled', value: { i: 1 } },
        { status: 'fulfilled', value: NOT_FOUND },
        { status: 'fulfilled', value: { i: 2 } },
      ]);
    });
  });

  describe('on two servers', () => {
    // A client's namespace is part of the key it hashes to pick a server.
    it.each([
      ['a client without namespace', ''],
      ['a client with a namespace', 'ns:'],
    ])('sends the gets of one tick per server: a get of its first key, one getMulti of the rest, each holding only that server\'s keys (%s)', async (_label, namespace) => {
      const { client, reads } = recordingClient([...addresses], namespace);
      const cache = new MemcachedCache(client, { prefix });
      try {
        await cache.setMany(new Map(KEYS.map((key, i) => [key, { i }])));
        const values = await Promise.all(KEYS.map((key) => cache.get(key)));
        expect(values).toEqual(KEYS.map((_, i) => ({ i })));

        expect(reads.map((read) => read.method).sort()).toEqual(['get', 'get', 'getMulti', 'getMulti']);
        expect(reads.flatMap((read) => read.keys).sort()).toEqual(KEYS.map(safe).sort());
        // Which server really holds each read's keys, asked of each server directly.
        const holders = await Promise.all(
          reads.map(async (read) => new Set(await Promise.all(read.keys.map((key) => holderOf(addresses, namespace + key))))),
        );
        expect(holders.map((held) => held.size)).toEqual([1, 1, 1, 1]);
        const serversOf = (method: ClientRead['method']) => new Set(holders.filter((_, i) => reads[i]?.method === method).flatMap((held) => [...held]));
        expect(serversOf('get').size).toBe(2);
        expect(serversOf('getMulti').size).toBe(2);
      } finally {
        await cache.close();
        client.end();
      }
    });
  });

  describe('with one server of two out of service', () => {
    const healthy = addresses[0] as string;
    let failing: ControlledServer;
    /** In front of `failing`, which the cache reaches through it: it freezes the server by holding every byte (tcp-proxy.ts says why not SIGSTOP). */
    let proxy: TcpProxy;
    let cache: MemcachedCache;
    /** The keys the failing server holds, and those the healthy one holds. */
    let onFailing: string[];
    let onHealthy: string[];

    beforeEach(async () => {
      failing = await ControlledServer.start('memcached');
      proxy = await TcpProxy.start(failing.port);
      cache = new MemcachedCache([healthy, proxy.address], { prefix: `${prefix}-${failing.port}` });
      await cache.setMany(new Map(KEYS.map((key, i) => [key, { i }])));
      const holders = await Promise.all(KEYS.map((key) => holderOf([healthy, proxy.address], toSafeKey(`${prefix}-${failing.port}:${key}`))));
      onFailing = KEYS.filter((_, i) => holders[i] === proxy.address);
      onHealthy = KEYS.filter((_, i) => holders[i] === healthy);
      expect(onFailing.length + onHealthy.length).toBe(KEYS.length);
      expect(onFailing.length).toBeGreaterThan(0);
      expect(onHealthy.length).toBeGreaterThan(0);
    }, 15_000);

    afterEach(async () => {
      await cache.close();
      await proxy.close();
      await failing.stop();
    }, 15_000);

    /** Starts every get in one tick; each settles with the time it took. */
    const getAllTogether = () => {
      const started = Date.now();
      return Promise.all(
        KEYS.map((key) =>
          cache.get(key).then(
            (value) => ({ key, value, error: undefined, ms: Date.now() - started }),
            (error: unknown) => ({ key, value: undefined, error, ms: Date.now() - started }),
          ),
        ),
      );
    };

    /** Keys on the healthy server resolve; each key on the failing one rejects with a BackendError naming it. */
    const expectSplitOutcome = (results: Awaited<ReturnType<typeof getAllTogether>>) => {
      const healthyResults = results.filter((result) => onHealthy.includes(result.key));
      const failingResults = results.filter((result) => onFailing.includes(result.key));
      expect(healthyResults.map(({ key, value, error }) => ({ key, value, error }))).toEqual(
        onHealthy.map((key) => ({ key, value: { i: KEYS.indexOf(key) }, error: undefined })),
      );
      for (const { key, error } of failingResults) {
        expect(error).toBeInstanceOf(BackendError);
        expect({ operation: (error as BackendError).operation, key: (error as BackendError).key }).toEqual({ operation: 'get', key });
      }
      expect(failingResults).toHaveLength(onFailing.length);
    };

    it('resolves the keys of the healthy server and rejects those of a stopped one, each naming its own key', async () => {
      await failing.kill();
      expectSplitOutcome(await getAllTogether());
    }, 15_000);

    it('answers the healthy server\'s keys without waiting for a frozen server, whose keys reject later', async () => {
      proxy.hold();
      let results: Awaited<ReturnType<typeof getAllTogether>>;
      try {
        results = await getAllTogether();
      } finally {
        proxy.pass();
      }
      expectSplitOutcome(results);
      const slowestHealthy = Math.max(...results.filter((r) => onHealthy.includes(r.key)).map((r) => r.ms));
      const fastestFailing = Math.min(...results.filter((r) => onFailing.includes(r.key)).map((r) => r.ms));
      expect(slowestHealthy).toBeLessThan(fastestFailing);
    }, 15_000);
  });
});
