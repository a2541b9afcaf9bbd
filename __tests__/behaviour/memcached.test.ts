import { MemcachedCache } from '../../lib/backends/memcached';
import { describeWithMemcached, uniquePrefix } from '../helpers/server-suites';
import { describeHitsAndKeys } from './suites/hits-and-keys';
import { describeMethods } from './suites/methods';
import { describeRaces } from './suites/races';
import { describeTagsAndPrefixes } from './suites/tags-and-prefixes';

describeWithMemcached('behaviour on MemcachedCache over two servers', (addresses) => {
  let backend: MemcachedCache;
  beforeAll(() => {
    backend = new MemcachedCache(addresses, { prefix: uniquePrefix('behaviour-memcached') });
  });
  afterAll(async () => {
    await backend.close();
  });
  const factory = () => backend;
  describeHitsAndKeys(factory);
  describeTagsAndPrefixes(factory);
  describeRaces(factory);
  describeMethods(factory);
});
