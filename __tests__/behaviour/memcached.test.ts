import { MemcachedCache } from '../../lib/backends/memcached';
import { describeWithMemcached, uniquePrefix } from '../helpers/server-suites';
import { describeCoreBehaviour } from './suites/all';

describeWithMemcached('behaviour on MemcachedCache over two servers', (addresses) => {
  let backend: MemcachedCache;
  beforeAll(() => {
    backend = new MemcachedCache(addresses, { prefix: uniquePrefix('behaviour-memcached') });
  });
  afterAll(async () => {
    await backend.close();
  });
  describeCoreBehaviour(() => backend);
});
