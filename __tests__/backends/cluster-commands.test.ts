/**
 * Which failures `RedisCache` sends again on a Cluster (the cluster is changing: the command did
 * not run) and which it does not (any other failure reaches the caller at once). The changes
 * themselves are in faults/cluster-topology.test.ts.
 */
import { Cluster } from 'ioredis';
import { RedisCache } from '../../lib/backends/redis';
import { isTopologyChange } from '../../lib/backends/redis/cluster-commands';
import { BackendError } from '../../lib/errors';
import { describeWithRedisCluster, uniquePrefix } from '../helpers/server-suites';
import { logCommands } from '../setup/redis-command-log';

const SENT_AGAIN: string[] = [
  'MOVED 3999 127.0.0.1:6381',
  'ASK 3999 127.0.0.1:6381',
  'TRYAGAIN Multiple keys request during rehashing of slot',
  'CLUSTERDOWN The cluster is down',
  "READONLY You can't write against a read only replica.",
  'LOADING Redis is loading the dataset in memory',
  'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no',
  'All keys in the pipeline should belong to the same slots allocation group',
  'Too many Cluster redirections. Last error: Error: Connection is closed.',
  'Connection is closed.',
];

const NOT_SENT_AGAIN: string[] = [
  'WRONGTYPE Operation against a key holding the wrong kind of value',
  'OOM command not allowed when used memory > maxmemory',
  'Command timed out',
  'ERR syntax error',
  'CROSSSLOT Keys in request don\'t hash to the same slot',
  'NOAUTH Authentication required.',
];

describe('isTopologyChange', () => {
  it.each(SENT_AGAIN)('sends again after %p', (message) => {
    expect(isTopologyChange(new Error(message))).toBe(true);
  });

  it.each(NOT_SENT_AGAIN)('does not send again after %p', (message) => {
    expect(isTopologyChange(new Error(message))).toBe(false);
  });

  it('does not send again after something that is not an Error', () => {
    expect(isTopologyChange('MOVED 1 127.0.0.1:1')).toBe(false);
  });
});

describeWithRedisCluster('RedisCache on a Cluster, a failure that is not a topology change', (addresses) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = new Cluster(addresses.map((address) => ({ host: address.split(':')[0] ?? '', port: Number(address.split(':')[1]) })));
    await cluster.ping();
  });

  afterAll(async () => {
    await cluster.quit();
  });

  it('reaches the caller after one send (WRONGTYPE)', async () => {
    const prefix = uniquePrefix('wrongtype');
    const cache = new RedisCache(cluster, { prefix });
    await cluster.lpush(`${prefix}:list`, 'item');
    const log = logCommands(cluster);
    try {
      const failed = await cache.get('list').catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(BackendError);
      expect((failed as BackendError).message).toMatch(/WRONGTYPE/);
      expect(log.sent().filter((name) => name === 'get')).toEqual(['get']);
    } finally {
      log.stop();
      await cluster.del(`${prefix}:list`);
    }
  });
});
