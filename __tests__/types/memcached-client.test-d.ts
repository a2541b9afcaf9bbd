// Compiled by `tsc -p __tests__/tsconfig.json` inside `npm test`; never run. The published types of
// easy-cache/memcached describe the client structurally (MemcachedClient), so they compile without
// @types/memcached; here, with those types installed, the real client must still fit.
import Memcached from 'memcached';
import { MemcachedCache, type MemcachedClient, type MemcachedServers } from '../../lib/backends/memcached';

const real = new Memcached('127.0.0.1:11211');
const client: MemcachedClient = real;
const servers: MemcachedServers[] = [real, '127.0.0.1:11211', ['127.0.0.1:11211', '127.0.0.1:11212']];
new MemcachedCache(real, { prefix: 'app' });

const handMade: MemcachedClient = {
  get: (_key, callback) => callback(undefined, 'text'),
  getMulti: (_keys, callback) => callback(undefined, {}),
  set: (_key, _value, _lifetime, callback) => callback(undefined, true),
  add: (_key, _value, _lifetime, callback) => callback(undefined, true),
  touch: (_key, _lifetime, callback) => callback(undefined),
  del: (_key, callback) => callback(undefined, true),
  end: () => undefined,
};
new MemcachedCache(handMade);

// @ts-expect-error a client without getMulti is not one MemcachedCache can use
const partial: MemcachedClient = { get: real.get, set: real.set, add: real.add, touch: real.touch, del: real.del, end: real.end };
// @ts-expect-error servers are a client, an address or a list of addresses
new MemcachedCache(11211);

void [client, servers, partial];
