/**
 * RedisCache with `nearCache` on a Redis Cluster of this file's own (it migrates a slot and kills
 * connections): tracking runs on every master, a near hit sends nothing to any node, changes on
 * any master reach the near cache, and a killed link or a slot migration clears and bypasses it
 * until tracking is back on the new topology.
 */
import Redis, { Cluster } from 'ioredis';
import { cached, invalidateCacheKey, invalidateCacheTags } from '../../lib';
import { RedisCache } from '../../lib/backends/redis';
import { keySlot } from '../../lib/backends/redis/slot-groups';
import { eventually } from '../faults/fault-kit';
import { commandCounts, eachTest, commandsBetween, connectionIds, untilNearHit, untilOnly } from '../helpers/near-kit';
import { canStart } from '../helpers/server-control';
import { uniquePrefix } from '../helpers/server-suites';
import { logCommands } from '../setup/redis-command-log';
import { startRedisCluster, stopServer, type StartedCluster, type StartedServer } from '../setup/servers';
import { spawnServer } from '../setup/server-process';
import { join } from 'node:path';

const describeIfRedis = canStart('redis') ? describe : describe.skip;

/** Moves the slot of `key` (with its keys) from the master that serves it to another one. */
async function migrateSlotOf(admins: readonly Redis[], key: string): Promise<void> {
  const slot = keySlot(key);
  const ids = await Promise.all(admins.map(async (admin) => String(await admin.call('CLUSTER', 'MYID'))));
  const sourceIndex = await ownerOf(admins, slot);
  const targetIndex = (sourceIndex + 1) % admins.length;
  const source = admins[sourceIndex] as Redis;
  const target = admins[targetIndex] as Redis;
  await target.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', ids[sourceIndex] as string);
  await source.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', ids[targetIndex] as string);
  const keys = (await source.call('CLUSTER', 'GETKEYSINSLOT', slot, 1000)) as string[];
  if (keys.length > 0) await source.call('MIGRATE', target.options.host ?? '127.0.0.1', target.options.port ?? 0, '', 0, 5000, 'KEYS', ...keys);
  for (const admin of admins) await admin.call('CLUSTER', 'SETSLOT', slot, 'NODE', ids[targetIndex] as string);
}

/** The index in `admins` of the master that serves `slot`. */
async function ownerOf(admins: readonly Redis[], slot: number): Promise<number> {
  for (let index = 0; index < admins.length; index++) {
    const ranges = (await (admins[index] as Redis).call('CLUSTER', 'NODES')) as string;
    const own = ranges.split('\n').find((line) => line.includes('myself'))?.split(' ').slice(8) ?? [];
    if (own.some((range) => {
      const [from, to = from] = range.split('-').map(Number);
      return from !== undefined && to !== undefined && slot >= from && slot <= to;
    })) return index;
  }
  return -1;
}

/** Starts a cluster node and makes it a replica of `master` (admin client), once it is in sync. */
async function startReplicaOf(master: Redis): Promise<{ server: StartedServer; admin: Redis }> {
  const server = await spawnServer('redis', 'redis-server', (port, dir) => [
    '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir,
    '--logfile', join(dir, 'server.log'), '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000',
  ], async (port) => {
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      return (await probe.ping()) === 'PONG';
    } finally {
      probe.disconnect();
    }
  });
  const admin = new Redis({ host: '127.0.0.1', port: server.port });
  const masterId = String(await master.call('CLUSTER', 'MYID'));
  await admin.call('CLUSTER', 'MEET', '127.0.0.1', String(master.options.port));
  await eventually('the replica knows the master', async () => String(await admin.call('CLUSTER', 'NODES')).includes(masterId), 20_000);
  await admin.call('CLUSTER', 'REPLICATE', masterId);
  await eventually('the replica is in sync', async () => {
    const role = (await admin.call('ROLE')) as unknown[];
    return String(role[0]) === 'slave' && String(role[3]) === 'connected';
  }, 20_000);
  return { server, admin };
}

describeIfRedis('RedisCache with a near cache on a Redis Cluster', () => {
  let cluster: StartedCluster;
  let admins: Redis[];
  const each = eachTest();
  const opened = each.opened;

  const connect = (): Cluster => {
    const client = new Cluster(cluster.addresses.map((address) => ({ host: '127.0.0.1', port: Number(address.split(':')[1]) })));
    client.on('error', () => undefined);
    opened.push({ close: () => client.disconnect() });
    return client;
  };

  const nearBackend = async (prefix: string): Promise<RedisCache> => {
    const backend = new RedisCache(connect(), { prefix, nearCache: {} });
    opened.unshift(backend);
    // A Cluster client connects on its first command; tracking starts once it knows the masters.
    await backend.get('warm-up');
    await eventually('tracking is on on every master', () => backend.nearCacheState === 'trusted');
    return backend;
  };

  const counter = (backend: RedisCache) => {
    const state = { runs: 0 };
    const fn = cached(async (id: number) => `v${state.runs++}:${id}`, { cacheKey: 'item:{id}', tags: ['items', 'shelf:{id}'], cacheInstance: backend, onError: () => undefined });
    return { fn, state };
  };

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    admins = cluster.nodes.map((node) => new Redis({ host: '127.0.0.1', port: node.port }));
  }, 60_000);


  let replica: { server: StartedServer; admin: Redis } | undefined;

  afterAll(async () => {
    for (const admin of admins ?? []) admin.disconnect();
    replica?.admin.disconnect();
    for (const node of [...(cluster?.nodes ?? []), ...(replica ? [replica.server] : [])]) await stopServer(node);
  });

  it('tracks every master, and answers a tagged hit without sending a command to any node', async () => {
    const backend = await nearBackend(uniquePrefix('cl-near-zero'));
    for (const admin of admins) expect(await connectionIds(admin, 'easy-cache:near-tracker')).toHaveLength(1);
    const { fn } = counter(backend);
    await untilNearHit(() => fn(1), each.record);
    const log = logCommands(backend.client);
    const before = await Promise.all(admins.map(commandCounts));
    for (let i = 0; i < 50; i++) expect(await fn(1)).toBe('v0:1');
    const after = await Promise.all(admins.map(commandCounts));
    log.stop();
    expect(log.sent()).toEqual([]);
    admins.forEach((_, i) => expect(commandsBetween(before[i] as Map<string, number>, after[i] as Map<string, number>, ['info', 'ping', 'client|trackinginfo', 'role', 'cluster|slots'])).toEqual({}));
  });

  it.each([
    ['key', (backend: RedisCache) => invalidateCacheKey('item:1', { cacheInstance: backend })],
    ['tag', (backend: RedisCache) => invalidateCacheTags('shelf:1', { cacheInstance: backend })],
  ])("reaches the near cache when another instance invalidates by %s (whichever master holds it)", async (_by, invalidate) => {
    const prefix = uniquePrefix('cl-near-other');
    const here = await nearBackend(prefix);
    const there = await nearBackend(prefix);
    const { fn } = counter(here);
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await invalidate(there);
    await untilOnly(() => fn(1), 'v1:1', 'the invalidation made elsewhere reached the near cache');
  });

  it('clears and bypasses the near cache when the tracking connection of one master is killed, then resumes', async () => {
    const prefix = uniquePrefix('cl-near-kill');
    const backend = await nearBackend(prefix);
    const { fn } = counter(backend);
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    const owner = admins[0] as Redis;
    const [id] = await connectionIds(owner, 'easy-cache:near-tracker');
    await owner.client('KILL', 'ID', id as string);
    await eventually('bypassed, then restored', () => each.record.types().includes('near-cache-bypassed') && each.record.types().includes('near-cache-restored'));
    expect(await untilNearHit(() => fn(1), each.record, 'near hits resume')).toBe('v0:1');
  });

  it('re-establishes tracking after a slot migration, and stays coherent', async () => {
    const prefix = uniquePrefix('cl-near-move');
    const here = await nearBackend(prefix);
    const there = await nearBackend(prefix);
    const { fn } = counter(here);
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    await migrateSlotOf(admins, `${prefix}:item:1`);
    await eventually(
      'the migration was seen: bypassed, then restored',
      () => each.record.events.some((event) => event.type === 'near-cache-bypassed' && event.reason === 'the cluster topology changed') && here.nearCacheState === 'trusted',
      15_000,
    );
    await invalidateCacheKey('item:1', { cacheInstance: there });
    await untilOnly(() => fn(1), 'v1:1', 'the invalidation after the migration reached the near cache');
    expect(await untilNearHit(() => fn(1), each.record, 'near hits resume')).toBe('v1:1');
  }, 30_000);

  // Runs last: it changes which node is a master.
  it('re-establishes tracking after a failover, and stays coherent', async () => {
    const prefix = uniquePrefix('cl-near-failover');
    const here = await nearBackend(prefix);
    const there = await nearBackend(prefix);
    const { fn } = counter(here);
    const master = admins[await ownerOf(admins, keySlot(`${prefix}:item:1`))] as Redis;
    expect(await untilNearHit(() => fn(1), each.record)).toBe('v0:1');
    replica = await startReplicaOf(master);
    const promoted = replica.admin;
    await promoted.call('CLUSTER', 'FAILOVER');
    await eventually('the replica is a master', async () => String(((await promoted.call('ROLE')) as unknown[])[0]) === 'master', 20_000);
    await eventually('the failover was seen: bypassed, then restored', () => each.record.types().includes('near-cache-bypassed') && here.nearCacheState === 'trusted', 20_000);
    await invalidateCacheKey('item:1', { cacheInstance: there });
    await untilOnly(() => fn(1), 'v1:1', 'the invalidation on the new master reached the near cache');
    expect(await untilNearHit(() => fn(1), each.record, 'near hits resume')).toBe('v1:1');
  }, 90_000);
});
