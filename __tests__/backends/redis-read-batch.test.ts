/**
 * `RedisCache.get` on a stand-alone Redis sends the first get of a tick at once as a `GET` and
 * gathers the gets after it into one `MGET`; on a Cluster each get stays a `GET`. Counted with the commands the real
 * client sends to the real servers. Every case runs twice: through `get`, and through `readInto`
 * (the core's hot read), whose contract `readThrough` checks on every call.
 */
import { isDeepStrictEqual } from 'node:util';
import Redis, { Cluster } from 'ioredis';
import { NOT_FOUND, type ReadReceiver } from '../../lib/backends/backend';
import { MAX_BATCH_KEYS } from '../../lib/backends/shared/read-batch';
import { RedisCache } from '../../lib/backends/redis';
import { BackendError, SerializationError } from '../../lib/errors';
import { deferred, settle } from '../helpers/deferred';
import { eventually } from '../faults/fault-kit';
import { connectedRedis, describeWithRedis, describeWithRedisCluster, uniquePrefix } from '../helpers/server-suites';
import { TcpProxy } from '../helpers/tcp-proxy';
import { logCommands } from '../setup/redis-command-log';
import { freePort } from '../setup/servers';

/** 64 keys, every third one never written: found and missing keys interleave in one batch. */
const KEYS = Array.from({ length: 64 }, (_, i) => `batch:${i}`);
const isWritten = (i: number): boolean => i % 3 !== 0;

/** Checks that every call rejected with a BackendError of `get` that names its own key. */
function expectOwnKeyErrors(results: PromiseSettledResult<unknown>[], keys: readonly string[]): void {
  expect(results.map((result) => result.status)).toEqual(keys.map(() => 'rejected'));
  results.forEach((result, i) => {
    const error = (result as PromiseRejectedResult).reason as BackendError;
    expect(error).toBeInstanceOf(BackendError);
    expect({ operation: error.operation, key: error.key }).toEqual({ operation: 'get', key: keys[i] });
    expect(error.cause).toBeInstanceOf(Error);
  });
}

/**
 * `cache.readInto(key)` as a promise, failing the test if the backend breaks `readInto`'s
 * contract: an outcome received before `readInto` returned, or more than once, or a foreseen
 * value other than the one received for an answer equal to it.
 */
function readThrough(cache: RedisCache, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let returned = false;
    let received = 0;
    let foreseen: { value: unknown } | undefined;
    const receiver: ReadReceiver = {
      foresee: (likely) => {
        if (received > 0 || foreseen !== undefined) reject(new Error(`readInto(${key}) foresaw after receiving, or twice`));
        foreseen = { value: likely };
      },
      receive: (outcome, answered) => {
        received++;
        if (!returned || received > 1) reject(new Error(`readInto(${key}) received ${returned ? 'twice' : 'before it returned'}`));
        else if (answered && foreseen !== undefined && isDeepStrictEqual(outcome, foreseen.value) && outcome !== foreseen.value) {
          reject(new Error(`readInto(${key}) received a copy of the value it foresaw, not the value itself`));
        } else if (answered) resolve(outcome);
        else reject(outcome);
      },
    };
    cache.readInto(key, receiver);
    returned = true;
  });
}

/** The two ways a key is read: the port's `get`, and `readInto`. */
const READS: ReadonlyArray<[string, (cache: RedisCache, key: string) => Promise<unknown>]> = [
  ['get', (cache, key) => cache.get(key)],
  ['readInto', readThrough],
];

describe.each(READS)('RedisCache.%s', (name, read) => {
  describeWithRedis(`RedisCache.${name} batching on redis-server`, ([address = '']) => {
    const [host = '127.0.0.1', port = '6379'] = address.split(':');
    let raw: Redis;
    let cache: RedisCache;
    let prefix: string;

    beforeAll(async () => {
      raw = await connectedRedis(address);
      prefix = uniquePrefix('redis-batch');
      cache = new RedisCache(raw, { prefix });
      await cache.setMany(new Map(KEYS.flatMap((key, i) => (isWritten(i) ? [[key, { i }] as const] : []))));
    });

    afterAll(async () => {
      await cache.clear();
      await raw.quit();
    });

    it('sends 64 gets started together as a GET of the first and one MGET of the other 63, keys in the order asked', async () => {
      const log = logCommands(raw);
      const values = await Promise.all(KEYS.map((key) => read(cache, key)));
      log.stop();
      expect(log.sent()).toEqual(['get', 'mget']);
      expect(log.events[0]?.args).toEqual([`${prefix}:${KEYS[0]}`]);
      expect(log.events[1]?.args).toEqual(KEYS.slice(1).map((key) => `${prefix}:${key}`));
      expect(values).toEqual(KEYS.map((_, i) => (isWritten(i) ? { i } : NOT_FOUND)));
    });

    it('sends a lone get as a GET', async () => {
      const log = logCommands(raw);
      await expect(read(cache, 'batch:1')).resolves.toEqual({ i: 1 });
      log.stop();
      expect(log.sent()).toEqual(['get']);
    });

    it(`splits a tick of more than ${MAX_BATCH_KEYS} gets into MGETs of at most ${MAX_BATCH_KEYS} keys`, async () => {
      const keys = Array.from({ length: MAX_BATCH_KEYS + 44 }, (_, i) => KEYS[i % KEYS.length] as string);
      const log = logCommands(raw);
      const values = await Promise.all(keys.map((key) => read(cache, key)));
      log.stop();
      expect(log.events.filter((event) => event.type === 'send').map((event) => [event.name, event.args.length])).toEqual([
        ['get', 1],
        ['mget', MAX_BATCH_KEYS],
        ['mget', 43],
      ]);
      expect(values).toEqual(keys.map((_, i) => (isWritten(i % KEYS.length) ? { i: i % KEYS.length } : NOT_FOUND)));
    });

    it('gathers the getMany calls of a tick (tag reads) into the same MGET as the gets', async () => {
      const log = logCommands(raw);
      const [first, entry, tags, missing] = await Promise.all([
        cache.getMany(['batch:1', 'batch:0']),
        read(cache, 'batch:2'),
        cache.getMany(['batch:4', 'batch:5']),
        cache.getMany(['batch:3']),
      ]);
      log.stop();
      expect(log.sent()).toEqual(['mget', 'mget']);
      expect(log.events[1]?.args).toEqual(['batch:2', 'batch:4', 'batch:5', 'batch:3'].map((key) => `${prefix}:${key}`));
      expect(first).toEqual(new Map([['batch:1', { i: 1 }]]));
      expect(entry).toEqual({ i: 2 });
      expect(tags).toEqual(new Map([['batch:4', { i: 4 }], ['batch:5', { i: 5 }]]));
      expect(missing).toEqual(new Map());
    });

    it('gives each caller of a key asked twice in one MGET its own copy', async () => {
      await cache.set('twice', { list: [1, 2] });
      const log = logCommands(raw);
      const [, first, second] = (await Promise.all([read(cache, 'batch:1'), read(cache, 'twice'), read(cache, 'twice')])) as Array<{ list: number[] }>;
      log.stop();
      expect(log.events[1]).toMatchObject({ name: 'mget', args: [`${prefix}:twice`, `${prefix}:twice`] });
      expect(first).toEqual({ list: [1, 2] });
      expect(second).toEqual(first);
      expect(second).not.toBe(first);
      first?.list.push(3);
      expect(second?.list).toEqual([1, 2]);
    });

    it('rejects only the caller whose value cannot be decoded; the rest of the MGET resolves', async () => {
      await raw.set(`${prefix}:garbage`, '\u0000not what the serializer wrote');
      const log = logCommands(raw);
      const [before, garbage, missing, after] = await Promise.allSettled(['batch:1', 'garbage', 'batch:0', 'batch:2'].map((key) => read(cache, key)));
      log.stop();
      // The first get leaves alone; the MGET of the other three holds the garbage.
      expect(log.sent()).toEqual(['get', 'mget']);
      expect(garbage).toMatchObject({ status: 'rejected', reason: expect.any(SerializationError) });
      expect(String((garbage as PromiseRejectedResult).reason.message)).toContain('"garbage"');
      expect([before, missing, after]).toEqual([
        { status: 'fulfilled', value: { i: 1 } },
        { status: 'fulfilled', value: NOT_FOUND },
        { status: 'fulfilled', value: { i: 2 } },
      ]);
    });

    it('rejects every caller of an MGET whose connection is reset, each with a BackendError naming its own key', async () => {
      const proxy = await TcpProxy.start(Number(port));
      // No retry of a request in flight: the reset fails the MGET instead of sending it again.
      const client = new Redis({ host, port: proxy.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.ping();
        const viaProxy = new RedisCache(client, { prefix });
        const log = logCommands(client);
        proxy.blackhole();
        const calls = KEYS.map((key) => read(viaProxy, key));
        await settle();
        expect(log.sent()).toEqual(['get', 'mget']);
        proxy.reset();
        expectOwnKeyErrors(await Promise.allSettled(calls), KEYS);
      } finally {
        // Disconnecting an ended client would leave ioredis's 2 s stream-close timer behind.
        if (client.status !== 'end') client.disconnect();
        await proxy.close();
      }
    });

    it('rejects every caller of an MGET to a closed port, each with a BackendError naming its own key', async () => {
      const closed = new RedisCache({ host: '127.0.0.1', port: await freePort() }, { prefix });
      const log = logCommands(closed.client);
      const keys = KEYS.slice(0, 10);
      const results = await Promise.allSettled(keys.map((key) => read(closed, key)));
      log.stop();
      await closed.close();
      expect(log.sent()).toEqual(['get', 'mget']);
      expectOwnKeyErrors(results, keys);
    });
  });

  describeWithRedisCluster(`RedisCache.${name} on a Redis Cluster`, (addresses) => {
    let cluster: Cluster;
    let cache: RedisCache;

    beforeAll(async () => {
      cluster = new Cluster(addresses.map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) })));
      await cluster.ping();
      cache = new RedisCache(cluster, { prefix: uniquePrefix('cluster-batch') });
    });

    afterAll(async () => {
      await cache.clear();
      await cluster.quit();
    });

    it('keeps each get of one tick a GET of its own key (no MGET across slots)', async () => {
      const keys = KEYS.slice(0, 12);
      await cache.setMany(new Map(keys.flatMap((key, i) => (isWritten(i) ? [[key, { i }] as const] : []))));
      const log = logCommands(cluster);
      const values = await Promise.all(keys.map((key) => read(cache, key)));
      log.stop();
      const sent = log.events.filter((event) => event.type === 'send');
      expect(sent.map((event) => event.name)).toEqual(keys.map(() => 'get'));
      expect(sent.map((event) => event.args)).toEqual(keys.map((key) => [`${cache.prefix}:${key}`]));
      expect(values).toEqual(keys.map((_, i) => (isWritten(i) ? { i } : NOT_FOUND)));
    });
  });
});

describeWithRedis('RedisCache.readInto on redis-server', ([address = '']) => {
  const [host = '127.0.0.1', port = '6379'] = address.split(':');
  let raw: Redis;
  let prefix: string;

  beforeAll(async () => {
    raw = await connectedRedis(address);
    prefix = uniquePrefix('read-into');
  });

  afterAll(async () => {
    await new RedisCache(raw, { prefix }).clear();
    await raw.quit();
  });

  /** A receiver that records what it is told, in order. */
  function recorder() {
    const told: Array<['foresee' | 'receive', unknown, boolean?]> = [];
    const received = deferred<void>();
    const receiver: ReadReceiver = {
      foresee: (likely) => told.push(['foresee', likely]),
      receive: (outcome, answered) => {
        told.push(['receive', outcome, answered]);
        received.resolve();
      },
    };
    return { told, receiver, received: received.promise };
  }

  it('foresees the decode memo’s copy of a key read unchanged, and receives that very object', async () => {
    const cache = new RedisCache(raw, { prefix });
    // Long enough for the memo (shorter texts are parsed every time, see MIN_MEMO_CHARS).
    const user = { name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'author'] };
    await cache.set('kept', user);
    // The memo keeps a key's text at the first read and a copy of its value at the second.
    await readThrough(cache, 'kept');
    await readThrough(cache, 'kept');
    const { told, receiver, received } = recorder();
    cache.readInto('kept', receiver);
    expect(told.map(([what]) => what)).toEqual(['foresee']);
    await received;
    expect(told).toEqual([
      ['foresee', user],
      ['receive', user, true],
    ]);
    expect(told[1]?.[1]).toBe(told[0]?.[1]);
  });

  it('foresees nothing for a key read the first time, and receives what it holds, or NOT_FOUND', async () => {
    const cache = new RedisCache(raw, { prefix });
    await cache.set('once', { once: true });
    const { told, receiver, received } = recorder();
    cache.readInto('once', receiver);
    await received;
    expect(told).toEqual([['receive', { once: true }, true]]);
    await expect(readThrough(cache, 'never-written')).resolves.toBe(NOT_FOUND);
  });

  it('refuses a read after close() of its own client: a BackendError, received after readInto returned', async () => {
    const owned = new RedisCache({ host, port: Number(port) }, { prefix });
    await owned.close();
    const error = await readThrough(owned, 'any').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toMatch(/RedisCache.get after close\(\)/);
    expect((error as BackendError).key).toBe('any');
  });

  it('with nearCache, reads through the near tier: a key held near sends nothing to Redis', async () => {
    const client = await connectedRedis(address);
    const near = new RedisCache(client, { prefix, nearCache: {} });
    try {
      await eventually('tracking is on', () => near.nearCacheState === 'trusted');
      await near.set('near', { near: 1 });
      await expect(readThrough(near, 'near')).resolves.toEqual({ near: 1 });
      const log = logCommands(client);
      await expect(readThrough(near, 'near')).resolves.toEqual({ near: 1 });
      log.stop();
      expect(log.sent()).toEqual([]);
    } finally {
      await near.close();
      await client.quit();
    }
  });
});
