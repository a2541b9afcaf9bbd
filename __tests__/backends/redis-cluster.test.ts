import { Cluster } from 'ioredis';
import { NOT_FOUND } from '../../lib/backends/backend';
import { RedisCache } from '../../lib/backends/redis';
import { groupBySlot, keySlot } from '../../lib/backends/redis/slot-groups';
import { CacheConfigError } from '../../lib/errors';
import { describeBackendContract } from '../../lib/testing';
import { describeWithRedisCluster, uniquePrefix } from '../helpers/server-suites';
import { logCommands } from '../setup/redis-command-log';

/** Keys and their slots as redis-server 7 computes them (CLUSTER KEYSLOT), hash-tag cases of the Cluster specification included. */
const SLOT_CASES: Array<[string, number]> = [
  ['123456789', 12739], // the CRC16/XMODEM check value 0x31C3
  ['foo', 12182],
  ['{user1000}.following', 3443],
  ['{user1000}.followers', 3443],
  ['foo{}{bar}', 8363], // an empty hash tag: the whole key is hashed
  ['foo{{bar}}zap', 4015], // the hash tag is "{bar"
  ['foo{bar}{zap}', 5061], // only the first tag counts
];

describe('keySlot', () => {
  it.each(SLOT_CASES)('puts %p in slot %p', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it('groups keys by slot and keeps the caller positions', () => {
    const keys = ['{a}1', '{b}1', '{a}2', '{c}1', '{b}2'];
    const groups = groupBySlot(keys);
    expect(groups.map((group) => group.keys)).toEqual([['{a}1', '{a}2'], ['{b}1', '{b}2'], ['{c}1']]);
    expect(groups.map((group) => group.indexes)).toEqual([[0, 2], [1, 4], [3]]);
  });
});

describeWithRedisCluster('RedisCache on a Redis Cluster', (addresses) => {
  const nodes = addresses.map((address) => {
    const [host = '127.0.0.1', port = '0'] = address.split(':');
    return { host, port: Number(port) };
  });
  const connect = async (): Promise<Cluster> => {
    const cluster = new Cluster(nodes);
    await cluster.ping();
    return cluster;
  };

  describeBackendContract(
    'RedisCache on a Cluster client',
    async () => new RedisCache(await connect(), { prefix: uniquePrefix('cluster') }),
    { afterAll: async (backend) => void (await backend.client.quit()) },
  );

  describe('specifics', () => {
    let cluster: Cluster;
    let cache: RedisCache;
    let prefix: string;

    beforeAll(async () => {
      cluster = await connect();
      prefix = uniquePrefix('cluster-specific');
      cache = new RedisCache(cluster, { prefix });
    });

    afterAll(async () => {
      await cache.clear();
      await cluster.quit();
    });

    /** The address of the master that serves the stored key of `key`. */
    const masterOf = (key: string): string => cluster.slots[keySlot(`${prefix}:${key}`)]?.[0] ?? '?';

    /** Keys that spread over every master, several slots each. */
    const spreadKeys = (count: number): string[] => Array.from({ length: count }, (_, i) => `spread:${i}`);

    it('computes the slot redis-server computes (CLUSTER KEYSLOT) for 300 keys', async () => {
      const keys = Array.from({ length: 300 }, (_, i) => {
        const char = String.fromCodePoint(0x20 + ((i * 7919) % 0x2ff00));
        return [`k:${i}:${char}`, `{${char}}${i}`, `a{}{${i}}`, `${i}{{x}}`, `{}${i}`, `é${i}{`][i % 6] ?? '';
      });
      const slots = await Promise.all(keys.map((key) => cluster.call('CLUSTER', 'KEYSLOT', key)));
      expect(keys.map((key) => keySlot(key))).toEqual(slots);
    });

    it('has three masters serving the keys used here', () => {
      expect(cluster.nodes('master')).toHaveLength(3);
      expect(new Set(spreadKeys(30).map(masterOf)).size).toBe(3);
    });

    it('reads keys of many slots on three masters with one getMany, one MGET per slot, all sent at once', async () => {
      const keys = spreadKeys(30);
      await cache.setMany(new Map(keys.map((key, i) => [key, { i }])));
      const asked = [...keys, 'spread:missing'].reverse();
      const slots = new Set(asked.map((key) => keySlot(`${prefix}:${key}`)));
      expect(slots.size).toBeGreaterThanOrEqual(3);

      const log = logCommands(cluster);
      const found = await cache.getMany(asked);
      log.stop();

      expect(log.sent()).toEqual(Array.from(slots, () => 'mget'));
      expect(log.oneRoundTrip()).toBe(true);
      expect([...found.keys()]).toEqual([...keys].reverse());
      keys.forEach((key, i) => expect(found.get(key)).toEqual({ i }));
    });

    it('sends one MGET when the prefix is a hash tag that puts every key in one slot', async () => {
      const tagged = new RedisCache(cluster, { prefix: `{${prefix}}` });
      const keys = spreadKeys(10);
      await tagged.setMany(new Map(keys.map((key) => [key, key])));
      const log = logCommands(cluster);
      const found = await tagged.getMany(keys);
      log.stop();
      expect(log.sent()).toEqual(['mget']);
      expect(found.size).toBe(10);
      await tagged.clear();
    });

    it('writes keys of many slots with setMany in one round trip, with the expiry on each', async () => {
      const keys = spreadKeys(12).map((key) => `${key}:ttl`);
      const log = logCommands(cluster);
      await cache.setMany(new Map(keys.map((key) => [key, key])), 30.5);
      log.stop();
      expect(log.sent()).toEqual(keys.map(() => 'set'));
      expect(log.oneRoundTrip()).toBe(true);
      // The PX sent on each, and the server's PTTL (applied, nothing longer): no window between the
      // write and the twelve reads that a loaded machine could overrun.
      const sent = log.events.filter((event) => event.type === 'send').map((event) => event.args.slice(2));
      expect(sent).toEqual(keys.map(() => ['PX', '30500']));
      for (const key of keys) {
        const ttl = await cluster.pttl(`${prefix}:${key}`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(30_500);
      }
    });

    it('deletes keys of many slots with setMany and a timeout of 0', async () => {
      const keys = spreadKeys(9).map((key) => `${key}:zero`);
      await cache.setMany(new Map(keys.map((key) => [key, 1])));
      await cache.setMany(new Map(keys.map((key) => [key, 2])), 0);
      expect((await cache.getMany(keys)).size).toBe(0);
    });

    it('clear() removes the prefix on every master and leaves other keys', async () => {
      const own = uniquePrefix('cluster-clear');
      const clearing = new RedisCache(cluster, { prefix: own });
      const keys = Array.from({ length: 300 }, (_, i) => `c:${i}`);
      await clearing.setMany(new Map(keys.map((key) => [key, 1])));
      const canaries = Array.from({ length: 12 }, (_, i) => `${own}-canary:${i}`);
      await Promise.all(canaries.map((key) => cluster.set(key, 'canary')));
      const masters = new Set(keys.map((key) => cluster.slots[keySlot(`${own}:${key}`)]?.[0]));
      expect(masters.size).toBe(3);

      await clearing.clear();

      expect((await clearing.getMany(keys)).size).toBe(0);
      for (const node of cluster.nodes('master')) {
        await expect(node.keys(`${own}:*`)).resolves.toEqual([]);
      }
      for (const key of canaries) await expect(cluster.get(key)).resolves.toBe('canary');
      await Promise.all(canaries.map((key) => cluster.del(key)));
    });

    it('serves keys with an empty hash tag, where ioredis and the server disagree on the slot', async () => {
      const keys = ['x{}{1}', 'y{}{1}', 'z{}{1}', 'w{}{2}'];
      await cache.setMany(new Map(keys.map((key, i) => [key, i])), 60);
      const found = await cache.getMany(keys);
      expect(keys.map((key) => found.get(key))).toEqual([0, 1, 2, 3]);
      await expect(cache.add('x{}{1}', 'again')).resolves.toBe(false);
      await expect(cache.delete('y{}{1}')).resolves.toBe(true);
    });

    it('refuses clear() without a prefix', async () => {
      await expect(new RedisCache(cluster).clear()).rejects.toBeInstanceOf(CacheConfigError);
    });

    it('keeps lone-surrogate keys apart on a Cluster too', async () => {
      await cache.set('x\uD800', 'lone');
      await cache.set('x\uFFFD', 'replacement');
      await expect(cache.get('x\uD800')).resolves.toBe('lone');
      await expect(cache.get('x\uFFFD')).resolves.toBe('replacement');
      await cache.delete('x\uD800');
      await expect(cache.get('x\uD800')).resolves.toBe(NOT_FOUND);
    });

    it('leaves a Cluster client that was passed in open', async () => {
      const other = new RedisCache(cluster, { prefix });
      await other.close();
      expect(cluster.status).toBe('ready');
      await expect(cluster.ping()).resolves.toBe('PONG');
    });
  });
});
