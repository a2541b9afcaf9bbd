import Redis, { Cluster } from 'ioredis';
import { RedisCache } from '../../lib/backends/redis';
import { describeWithRedis, describeWithRedisCluster, uniquePrefix } from '../helpers/server-suites';
import { describeCoreBehaviour } from './suites/all';

function hostAndPort(address: string): { host: string; port: number } {
  const [host, port] = address.split(':');
  return { host: host ?? '127.0.0.1', port: Number(port) };
}

describeWithRedis('behaviour on RedisCache', ([address]) => {
  let client: Redis;
  let backend: RedisCache;
  beforeAll(() => {
    client = new Redis({ ...hostAndPort(address ?? ''), lazyConnect: false });
    backend = new RedisCache(client, { prefix: uniquePrefix('behaviour-redis') });
  });
  afterAll(async () => {
    await backend.clear();
    client.disconnect();
  });
  describeCoreBehaviour(() => backend);
});

describeWithRedisCluster('behaviour on RedisCache over a Redis Cluster', (addresses) => {
  let cluster: Cluster;
  let backend: RedisCache;
  beforeAll(() => {
    cluster = new Cluster(addresses.map(hostAndPort));
    backend = new RedisCache(cluster, { prefix: uniquePrefix('behaviour-cluster') });
  });
  afterAll(async () => {
    await backend.clear();
    cluster.disconnect();
  });
  describeCoreBehaviour(() => backend);
});
