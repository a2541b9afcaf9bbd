/**
 * `RedisCache.get` on a stand-alone Redis sends the first get of a tick at once as a `GET` and
 * gathers the gets after it into one `MGET`; on a Cluster each get stays a `GET`. Counted with the commands the real
 * client sends to the real servers.
 */
import Redis, { Cluster } from 'ioredis';
import { NOT_FOUND } from '../../lib/backends/backend';
import { MAX_BATCH_KEYS } from '../../lib/backends/shared/read-batch';
import { RedisCache } from '../../lib/backends/redis';
import { BackendError, SerializationError } from '../../lib/errors';
import { settle } from '../helpers/deferred';
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

describeWithRedis('RedisCache.get batching on redis-server', ([address = '']) => {
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
    const values = await Promise.all(KEYS.map((key) => cache.get(key)));
    log.stop();
    expect(log.sent()).toEqual(['get', 'mget']);
    expect(log.events[0]?.args).toEqual([`${prefix}:${KEYS[0]}`]);
    expect(log.events[1]?.args).toEqual(KEYS.slice(1).map((key) => `${prefix}:${key}`));
    expect(values).toEqual(KEYS.map((_, i) => (isWritten(i) ? { i } : NOT_FOUND)));
  });

  it('sends a lone get as a GET', async () => {
    const log = logCommands(raw);
    await expect(cache.get('batch:1')).resolves.toEqual({ i: 1 });
    log.stop();
    expect(log.sent()).toEqual(['get']);
  });

  it(`splits a tick of more than ${MAX_BATCH_KEYS} gets into MGETs of at most ${MAX_BATCH_KEYS} keys`, async () => {
    const keys = Array.from({ length: MAX_BATCH_KEYS + 44 }, (_, i) => KEYS[i % KEYS.length] as string);
    const log = logCommands(raw);
    const values = await Promise.all(keys.map((key) => cache.get(key)));
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
      cache.get('batch:2'),
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
    const [, first, second] = (await Promise.all([cache.get('batch:1'), cache.get('twice'), cache.get('twice')])) as Array<{ list: number[] }>;
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
    const [before, garbage, missing, after] = await Promise.allSettled(['batch:1', 'garbage', 'batch:0', 'batch:2'].map((key) => cache.get(key)));
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
      const calls = KEYS.map((key) => viaProxy.get(key));
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
    const results = await Promise.allSettled(keys.map((key) => closed.get(key)));
    log.stop();
    await closed.close();
    expect(log.sent()).toEqual(['get', 'mget']);
    expectOwnKeyErrors(results, keys);
  });
});

describeWithRedisCluster('RedisCache.get on a Redis Cluster', (addresses) => {
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
    const values = await Promise.all(keys.map((key) => cache.get(key)));
    log.stop();
    const sent = log.events.filter((event) => event.type === 'send');
    expect(sent.map((event) => event.name)).toEqual(keys.map(() => 'get'));
    expect(sent.map((event) => event.args)).toEqual(keys.map((key) => [`${cache.prefix}:${key}`]));
    expect(values).toEqual(keys.map((_, i) => (isWritten(i) ? { i } : NOT_FOUND)));
  });
});
