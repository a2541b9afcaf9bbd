/**
 * Redis Cluster topology changes while calls run, on an ioredis `Cluster` with auto-pipelining on
 * (as the docs advise): slots moving between masters (`redis-cli --cluster reshard`, keys moved
 * by MIGRATE), a manual `CLUSTER FAILOVER`, and a master killed with SIGKILL whose replica takes
 * over. No caller gets an error or a wrong value, and no invalidation rejects: `RedisCache` sends
 * again, on their own, the commands that the cluster redirected (cluster-commands.ts).
 */
import { Cluster } from 'ioredis';
import { NOT_FOUND } from '../../lib/backends/backend';
import { RedisCache } from '../../lib/backends/redis';
import { keySlot } from '../../lib/backends/redis/slot-groups';
import { ReplicatedCluster, canStartReplicatedCluster } from '../helpers/replicated-cluster';
import { uniquePrefix } from '../helpers/server-suites';
import { TopologyWorkload, type WorkloadReport } from '../helpers/topology-workload';
import { watchUnhandledRejections } from './fault-kit';

const unhandled = watchUnhandledRejections();
afterAll(() => unhandled.stop());
afterEach(() => expect(unhandled.seen).toEqual([]));

/** Calls that complete from the start of a change on (calls run before, during and after each change). */
const CALLS_DURING_CHANGE = 200;

const describeIfCluster = canStartReplicatedCluster() ? describe : describe.skip;
if (!canStartReplicatedCluster()) console.warn('!! Cluster topology tests SKIPPED: redis-server or redis-cli is not on the PATH');

describeIfCluster('a Redis Cluster with replicas changing under auto-pipelined calls', () => {
  let servers: ReplicatedCluster;
  let client: Cluster;
  let backend: RedisCache;

  beforeAll(async () => {
    servers = await ReplicatedCluster.start();
    client = new Cluster(servers.startupNodes, { enableAutoPipelining: true });
    client.on('error', () => undefined);
    // A generous bound: a call that meets a dead master waits for its replica's election.
    backend = new RedisCache(client, { prefix: uniquePrefix('topology'), backendTimeoutMs: 30_000 });
    await client.ping();
  }, 120_000);

  afterAll(async () => {
    client?.disconnect();
    await servers?.stop();
  }, 60_000);

  /** Runs the workload around `change`, with calls completing before, during and after it. */
  async function whileCalling(change: (workload: TopologyWorkload) => Promise<void>): Promise<WorkloadReport> {
    const workload = new TopologyWorkload(backend, 400);
    workload.start();
    try {
      await workload.whileRunning(CALLS_DURING_CHANGE);
      const before = workload.completed;
      await Promise.all([change(workload), workload.whileRunning(CALLS_DURING_CHANGE)]);
      expect(workload.completed - before).toBeGreaterThanOrEqual(CALLS_DURING_CHANGE);
      await workload.whileRunning(CALLS_DURING_CHANGE);
    } finally {
      workload.resumeWriters();
    }
    return workload.stop();
  }

  it('answers every operation of clients whose slot map is out of date, where raw auto-pipelined commands meet MOVED', async () => {
    const operations = ['get', 'getMany', 'set', 'setMany', 'add', 'touch', 'delete'] as const;
    // One client per operation, each with the slot map of before the move and no refresh of its
    // own, so each operation is the first to meet the move; and one raw client as the control.
    const clients = await Promise.all([...operations, 'raw'].map(async () => {
      const stale = new Cluster(servers.startupNodes, { enableAutoPipelining: true, slotsRefreshInterval: 0 });
      stale.on('error', () => undefined);
      await stale.ping();
      return stale;
    }));
    try {
      const prefix = uniquePrefix('moved');
      const caches = operations.map((_, i) => new RedisCache(clients[i]!, { prefix, backendTimeoutMs: 30_000 }));
      const [from, to] = await servers.masters();
      const moving = await servers.firstSlotsOf(from!.port, 500);
      // Keys of distinct slots among those that move: an auto-pipeline of them gets MOVED replies that differ.
      const keys: string[] = [];
      const slots = new Set<number>();
      for (let i = 0; keys.length < 8; i++) {
        const slot = keySlot(`${prefix}:k${i}`);
        if (moving.includes(slot) && !slots.has(slot)) {
          slots.add(slot);
          keys.push(`k${i}`);
        }
      }
      const [k0 = '', k1 = '', k2 = '', k3 = '', k4 = ''] = keys;
      await caches[0]!.setMany(new Map(keys.filter((key) => key !== k4).map((key) => [key, `before ${key}`])), 60);
      await servers.moveSlots(from!.port, to!.port, moving.length);

      const raw = clients.at(-1)!;
      await expect(Promise.all(keys.map((key) => raw.get(`${prefix}:${key}`)))).rejects.toThrow(/MOVED/);
      const [get, getMany, set, setMany, add, touch, remove] = caches;
      expect(await get!.get(k0)).toBe(`before ${k0}`);
      expect(await getMany!.getMany(keys)).toEqual(new Map(keys.filter((key) => key !== k4).map((key) => [key, `before ${key}`])));
      await set!.set(k1, 'after', 60);
      await setMany!.setMany(new Map(keys.map((key) => [key, `many ${key}`])), 60);
      expect(await add!.add(k4, 'added', 60)).toBe(false);
      await touch!.touch(keys, 120);
      expect(await remove!.delete(k2)).toBe(true);
      expect(await get!.get(k2)).toBe(NOT_FOUND);
      expect(await get!.get(k3)).toBe(`many ${k3}`);
      expect(await clients[0]!.pttl(`${prefix}:${k3}`)).toBeGreaterThan(60_000);
    } finally {
      for (const client of clients) client.disconnect();
    }
  }, 180_000);

  it('moves 2000 slots from one master to another (reshard): no error, no wrong value', async () => {
    const [from, to] = await servers.masters();
    const report = await whileCalling(() => servers.moveSlots(from!.port, to!.port, 2000));
    expect(report.errors).toEqual([]);
    expect(report.wrong).toEqual([]);
    expect(report.invalidations).toBeGreaterThan(0);
  }, 180_000);

  it('fails a master over to its replica (CLUSTER FAILOVER): no error, no wrong value', async () => {
    const [master] = await servers.masters();
    const report = await whileCalling(() => servers.manualFailover(master!.port));
    expect(report.errors).toEqual([]);
    expect(report.wrong).toEqual([]);
    expect(report.invalidations).toBeGreaterThan(0);
  }, 180_000);

  it('kills a master (SIGKILL) and its replica takes over: no error, no wrong value', async () => {
    const [, , master] = await servers.masters();
    const report = await whileCalling(async (workload) => {
      // Replication is asynchronous: an invalidation acknowledged just before the kill may not
      // have reached the replica (Redis loses it, whatever the client does). So writers wait
      // until the replica holds every write, and resume once the master is gone.
      await workload.pauseWriters();
      await servers.killMaster(master!.port, { afterKill: () => workload.resumeWriters() });
    });
    expect(report.errors).toEqual([]);
    expect(report.wrong).toEqual([]);
    expect(report.invalidations).toBeGreaterThan(0);
  }, 180_000);
});
