import Redis from 'ioredis';
import { NOT_FOUND } from '../../lib/backends/backend';
import { RedisCache } from '../../lib/backends/redis';
import { REDIS_HASHED_KEY_MARKER as HASHED_KEY_MARKER, safeKey } from '../../lib/backends/redis/redis-keys';
import { BackendError, CacheConfigError, SerializationError } from '../../lib/errors';
import { taggedJson } from '../../lib/serializer/tagged-json';
import { describeBackendContract } from '../../lib/testing';
import { connectedRedis, describeWithRedis, uniquePrefix } from '../helpers/server-suites';
import { logCommands } from '../setup/redis-command-log';
import { freePort } from '../setup/servers';

/** A client that connects only when first used, for tests that need no server. */
const idleClient = (): Redis => new Redis({ lazyConnect: true });

describe('RedisCache options', () => {
  const client = idleClient();
  afterAll(() => client.disconnect());

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty prefix', { prefix: '' }, 'prefix'],
    ['a prefix that is not a string', { prefix: 5 }, 'prefix'],
    ['a prefix with a lone surrogate', { prefix: 'a\uD800' }, 'prefix'],
    ['a serializer without decode', { serializer: { encode: String } }, 'serializer'],
    ['a defaultTimeout of 0', { defaultTimeout: 0 }, 'defaultTimeout'],
    ['a negative defaultTimeout', { defaultTimeout: -5 }, 'defaultTimeout'],
    ['an infinite defaultTimeout', { defaultTimeout: Infinity }, 'defaultTimeout'],
    ['a defaultTimeout given as text', { defaultTimeout: '60' }, 'defaultTimeout'],
    ['a backendTimeoutMs of 0', { backendTimeoutMs: 0 }, 'backendTimeoutMs'],
    ['a NaN backendTimeoutMs', { backendTimeoutMs: NaN }, 'backendTimeoutMs'],
    ['a misspelt option', { prefx: 'shop' }, 'prefx'],
  ])('refuses %s with a CacheConfigError naming the option', (_label, options, option) => {
    const attempt = () => new RedisCache(client, options as never);
    expect(attempt).toThrow(CacheConfigError);
    expect(attempt).toThrow(`"${option}"`);
    try {
      attempt();
    } catch (error) {
      expect((error as CacheConfigError).option).toBe(option);
      expect((error as CacheConfigError).code).toBe('E_CACHE_CONFIG');
    }
  });

  it('says what is allowed', () => {
    expect(() => new RedisCache(client, { defaultTimeout: -5 })).toThrow(
      'RedisCache: option "defaultTimeout" must be a positive finite number of seconds or null; received -5',
    );
  });

  it('refuses a first argument that is neither a client nor connection details', () => {
    expect(() => new RedisCache(42 as never)).toThrow(/must be an ioredis Redis or Cluster client/);
    expect(() => new RedisCache({ url: 5 } as never)).toThrow(/option "url"/);
  });

  it('exposes backendTimeoutMs (250 by default) and the prefix', () => {
    expect(new RedisCache(client).backendTimeoutMs).toBe(250);
    const cache = new RedisCache(client, { backendTimeoutMs: 1000, prefix: 'p' });
    expect(cache.backendTimeoutMs).toBe(1000);
    expect(cache.prefix).toBe('p');
    expect(cache.client).toBe(client);
  });
});

describe('RedisCache without a server', () => {
  it('fails calls quickly with a BackendError instead of hanging or queueing', async () => {
    const port = await freePort();
    const cache = new RedisCache({ host: '127.0.0.1', port }, { prefix: 'down' });
    const started = Date.now();
    const error = await cache.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).operation).toBe('get');
    expect((error as BackendError).key).toBe('k');
    expect((error as BackendError).cause).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(cache.set('k', 1)).rejects.toBeInstanceOf(BackendError);
    await cache.close();
    await expect(cache.get('k')).rejects.toThrow(/after close\(\)/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(['end', 'reconnecting']).toContain(cache.client.status);
  });
});

describeWithRedis('RedisCache on redis-server', ([address = '']) => {
  const [host = '127.0.0.1', port = '6379'] = address.split(':');
  const url = `redis://${address}`;

  describeBackendContract('RedisCache built from { url }', () => new RedisCache({ url }, { prefix: uniquePrefix('redis') }));

  describe('specifics', () => {
    let raw: Redis;
    let cache: RedisCache;
    let prefix: string;

    beforeAll(async () => {
      raw = await connectedRedis(address);
      prefix = uniquePrefix('redis-specific');
      cache = new RedisCache(raw, { prefix });
    });

    afterAll(async () => {
      await cache.clear();
      await raw.quit();
    });

    it('stores every key as prefix:key', async () => {
      await cache.set('user:1', { name: 'Ada' });
      await expect(raw.get(`${prefix}:user:1`)).resolves.toBe(taggedJson.encode({ name: 'Ada' }));
    });

    it('keeps backends with different prefixes apart', async () => {
      const other = new RedisCache(raw, { prefix: `${prefix}-other` });
      await cache.set('shared', 'mine');
      await other.set('shared', 'theirs');
      await expect(cache.get('shared')).resolves.toBe('mine');
      await expect(other.get('shared')).resolves.toBe('theirs');
      await other.delete('shared');
      await expect(cache.get('shared')).resolves.toBe('mine');
      expect([...(await other.getMany(['shared'])).keys()]).toEqual([]);
      await other.clear();
    });

    it('reads with getMany in one MGET', async () => {
      const keys = Array.from({ length: 20 }, (_, i) => `gm:${i}`);
      await cache.setMany(new Map(keys.map((key, i) => [key, i])));
      const log = logCommands(raw);
      const found = await cache.getMany(keys);
      log.stop();
      expect(log.sent()).toEqual(['mget']);
      expect([...found.values()]).toEqual(keys.map((_, i) => i));
    });

    it('writes with setMany in one round trip of SET PX commands', async () => {
      const entries = new Map(Array.from({ length: 20 }, (_, i) => [`sm:${i}`, { i }]));
      const log = logCommands(raw);
      await cache.setMany(entries, 30);
      log.stop();
      expect(log.sent()).toEqual(Array.from({ length: 20 }, () => 'set'));
      expect(log.oneRoundTrip()).toBe(true);
      expect(log.events.filter((event) => event.type === 'send').every((event) => event.args[2] === 'PX')).toBe(true);
    });

    it('gives setMany entries the expiry in milliseconds, fractions kept', async () => {
      // The PX sent shows the fraction kept, and the server's PTTL that it applied it (nothing
      // longer): no window between the write and the reads that a loaded machine could overrun.
      const log = logCommands(raw);
      await cache.setMany(new Map([['ttl:a', 1], ['ttl:b', 2]]), 30.5);
      await cache.setMany(new Map([['ttl:forever', 1]]), null);
      log.stop();
      const sent = log.events.filter((event) => event.type === 'send' && event.name === 'set').map((event) => [event.args[0], ...event.args.slice(2)]);
      expect(sent).toEqual([[`${prefix}:ttl:a`, 'PX', '30500'], [`${prefix}:ttl:b`, 'PX', '30500'], [`${prefix}:ttl:forever`]]);
      for (const key of ['ttl:a', 'ttl:b']) {
        const ttl = await raw.pttl(`${prefix}:${key}`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(30_500);
      }
      await expect(raw.pttl(`${prefix}:ttl:forever`)).resolves.toBe(-1);
    });

    it('sends set and add with PX in milliseconds, rounded up', async () => {
      const log = logCommands(raw);
      await cache.set('px:set', 1, 1.1);
      await cache.set('px:tiny', 1, 0.0001);
      await cache.add('px:add', 1, 5);
      log.stop();
      const sets = log.events.filter((event) => event.type === 'send').map((event) => event.args.slice(2));
      expect(sets).toEqual([['PX', '1100'], ['PX', '1'], ['PX', '5000', 'NX']]);
    });

    it('applies defaultTimeout to writes without a timeout, and null means no expiry', async () => {
      const timed = new RedisCache(raw, { prefix, defaultTimeout: 100 });
      await timed.set('default:a', 1);
      await timed.set('default:b', 1, null);
      const ttl = await raw.pttl(`${prefix}:default:a`);
      // Well below 100 s still: a loaded machine may take a while between the write and the read.
      expect(ttl).toBeGreaterThan(90_000);
      expect(ttl).toBeLessThanOrEqual(100_000);
      await expect(raw.pttl(`${prefix}:default:b`)).resolves.toBe(-1);
    });

    it('rejects a NaN or infinite timeout with a CacheConfigError and stores nothing', async () => {
      await expect(cache.set('bad-timeout', 1, NaN)).rejects.toBeInstanceOf(CacheConfigError);
      await expect(cache.setMany(new Map([['bad-timeout', 1]]), Infinity)).rejects.toBeInstanceOf(CacheConfigError);
      await expect(cache.get('bad-timeout')).resolves.toBe(NOT_FOUND);
    });

    it('sends nothing for getMany([]) and for add with a timeout of 0', async () => {
      const log = logCommands(raw);
      await cache.getMany([]);
      await cache.add('zero', 1, 0);
      await cache.setMany(new Map());
      log.stop();
      expect(log.sent()).toEqual([]);
    });

    it('keeps keys with lone surrogates apart from their U+FFFD look-alikes', async () => {
      const keys = ['a\uD800', 'a\uFFFD', 'a\uDC00', 'a\uD800\uD800', '\uDBFF', safeKey('a\uD800')];
      for (const [i, key] of keys.entries()) await cache.set(key, i);
      for (const [i, key] of keys.entries()) await expect(cache.get(key)).resolves.toBe(i);
      const found = await cache.getMany(keys);
      expect(keys.map((key) => found.get(key))).toEqual(keys.map((_, i) => i));
      // The ill-formed key is stored under a hash; the well-formed look-alike as it is.
      expect(await raw.exists(`${prefix}:a\uFFFD`)).toBe(1);
      expect(safeKey('a\uD800')).toMatch(new RegExp(`^${HASHED_KEY_MARKER.replace(/[$]/g, '\\$&')}[0-9a-f]{64}$`));
      await expect(cache.delete('a\uD800')).resolves.toBe(true);
      await expect(cache.get('a\uFFFD')).resolves.toBe(1);
    });

    it('reports data it cannot decode as a SerializationError', async () => {
      await raw.set(`${prefix}:garbage`, '\u0000not what the serializer wrote');
      await expect(cache.get('garbage')).rejects.toBeInstanceOf(SerializationError);
      await expect(cache.getMany(['garbage'])).rejects.toBeInstanceOf(SerializationError);
      await expect(cache.get('garbage')).rejects.toThrow('"garbage"');
    });

    it('wraps client errors in a BackendError naming the operation', async () => {
      await raw.hset(`${prefix}:a-hash`, 'field', 'value');
      const error = await cache.get('a-hash').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).operation).toBe('get');
      expect((error as BackendError).message).toMatch(/WRONGTYPE/);
      await raw.del(`${prefix}:a-hash`);
    });
  });

  describe('clear()', () => {
    let raw: Redis;

    beforeAll(async () => {
      raw = await connectedRedis(address);
    });

    afterAll(() => raw.quit());

    it('removes every key under the prefix, in batches, and nothing else', async () => {
      const prefix = uniquePrefix('clear');
      const cache = new RedisCache(raw, { prefix });
      await cache.setMany(new Map(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i])));
      await cache.set('a\uD800', 'hashed');
      const canaries = [`${prefix}x:k1`, `${prefix}-k1`, `canary-${prefix}`, prefix];
      await Promise.all(canaries.map((key) => raw.set(key, 'canary')));

      await cache.clear();

      await expect(raw.keys(`${prefix}:*`)).resolves.toEqual([]);
      for (const key of canaries) await expect(raw.get(key)).resolves.toBe('canary');
      await raw.del(...canaries);
    });

    it('treats glob characters in the prefix literally', async () => {
      const base = uniquePrefix('glob');
      const cache = new RedisCache(raw, { prefix: `${base}*?[ab]\\` });
      await cache.set('k', 1);
      const lookAlike = `${base}XYa\\:k`;
      await raw.set(lookAlike, 'canary');
      await cache.clear();
      await expect(cache.get('k')).resolves.toBe(NOT_FOUND);
      await expect(raw.get(lookAlike)).resolves.toBe('canary');
      await raw.del(lookAlike);
    });

    it('refuses without a prefix and touches nothing', async () => {
      const cache = new RedisCache(raw);
      const key = uniquePrefix('no-prefix');
      await cache.set(key, 1);
      const error = await cache.clear().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CacheConfigError);
      expect((error as CacheConfigError).message).toMatch(/needs a prefix/);
      await expect(cache.get(key)).resolves.toBe(1);
      await cache.delete(key);
    });
  });

  describe('close()', () => {
    it('leaves a client that was passed in open', async () => {
      const client = new Redis({ host, port: Number(port) });
      const cache = new RedisCache(client, { prefix: uniquePrefix('close') });
      await cache.set('k', 1);
      await cache.delete('k');
      await cache.close();
      await cache.close();
      expect(client.status).toBe('ready');
      await expect(client.ping()).resolves.toBe('PONG');
      await client.quit();
    });

    it('closes a client it built from { url }', async () => {
      const cache = new RedisCache({ url }, { prefix: uniquePrefix('close') });
      await cache.set('k', 1);
      await expect(cache.get('k')).resolves.toBe(1);
      await cache.delete('k');
      await cache.close();
      expect(cache.client.status).toBe('end');
      await expect(cache.get('k')).rejects.toBeInstanceOf(BackendError);
    });

    it('closes a client it built from connection options', async () => {
      const cache = new RedisCache({ host, port: Number(port) });
      await expect(cache.add(uniquePrefix('close'), 1, 1)).resolves.toBe(true);
      await cache.close();
      expect(cache.client.status).toBe('end');
    });
  });
});
