/**
 * Values too large for their backend (issue 17 item 4): each backend refuses them with their size
 * and the limit (`ValueTooLargeError`), and `cached()` reports that once per function, returns the
 * value and never throws it, in strict mode either.
 */
import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import path from 'node:path';
import { MemoryCache, ValueTooLargeError, cached, CacheConfigError, type CacheInstance, type EasyCacheError } from '../../lib';
import { NOT_FOUND } from '../../lib/backends/backend';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { ITEM_OVERHEAD_BYTES } from '../../lib/backends/memcached/item-size';
import { taggedJson } from '../../lib/serializer/tagged-json';
import { describeWithMemcached, describeWithRedis, describeWithRedisCluster, uniquePrefix } from '../helpers/server-suites';

/** A string whose encoded form (the default serializer's text) takes exactly `bytes` bytes. */
function encodedAs(bytes: number): string {
  const overhead = taggedJson.encode('').length;
  return 'x'.repeat(bytes - overhead);
}

/** `cached()` on `backend` whose value is too large: reported once, returned every time, recomputed every time. */
async function expectReportedOnce(backend: CacheInstance, value: string, limitBytes: number, option: string): Promise<void> {
  const reports: EasyCacheError[] = [];
  let runs = 0;
  const getReport = cached(
    async (id: number) => {
      runs++;
      return `${id}${value}`;
    },
    { name: 'getReport', cacheKey: 'report:{id}', cacheInstance: backend, strict: true, onError: (error) => reports.push(error) },
  );
  for (let call = 0; call < 3; call++) await expect(getReport(7)).resolves.toBe(`7${value}`);
  expect(runs).toBe(3);
  expect(reports).toHaveLength(1);
  const [report] = reports;
  expect(report).toBeInstanceOf(ValueTooLargeError);
  expect(report).toMatchObject({ code: 'E_CACHE_TOO_LARGE', key: 'report:7', limitBytes, option });
  expect((report as ValueTooLargeError).bytes).toBeGreaterThan(limitBytes);
  expect(report?.message).toMatch(/^cached\(getReport\): the value for key "report:7" is not stored: it takes .* bytes\), and .*; the call returns it, but every call recomputes it \(reported once per function\)$/);
  expect(report?.message).toContain(`option "${option}"`);
}

describe('MemoryCache maxBytes', () => {
  it('evicts the least recently used entries to stay within the bound', async () => {
    const cache = new MemoryCache({ maxBytes: 1000 });
    const value = encodedAs(300);
    for (const key of ['a', 'b', 'c']) await cache.set(key, { value });
    // Each entry: 1 byte of key plus its value's JSON (300 + a few bytes of braces and name).
    expect(cache.bytes).toBeLessThanOrEqual(1000);
    await cache.get('a'); // a is used: b goes first
    await cache.set('d', { value });
    expect(cache.bytes).toBeLessThanOrEqual(1000);
    expect(await cache.get('b')).toBe(NOT_FOUND);
    expect(await cache.get('a')).toEqual({ value });
    expect(await cache.get('d')).toEqual({ value });
  });

  it('counts overwrites and deletes, and frees everything on clear', async () => {
    const cache = new MemoryCache({ maxBytes: 10_000 });
    await cache.set('k', 'x'.repeat(100));
    const before = cache.bytes;
    await cache.set('k', 'x'.repeat(50));
    expect(cache.bytes).toBe(before - 50);
    await cache.delete('k');
    expect(cache.bytes).toBe(0);
    await cache.setMany(new Map<string, unknown>([['a', 1], ['b', 'two']]));
    expect(cache.bytes).toBeGreaterThan(0);
    await cache.clear();
    expect(cache.bytes).toBe(0);
  });

  it('refuses a single value larger than the bound, and keeps what it held', async () => {
    const cache = new MemoryCache({ maxBytes: 500 });
    await cache.set('kept', 1);
    const refused = cache.set('big', 'x'.repeat(600));
    await expect(refused).rejects.toBeInstanceOf(ValueTooLargeError);
    await expect(refused).rejects.toMatchObject({ code: 'E_CACHE_TOO_LARGE', key: 'big', bytes: 603, limitBytes: 500, option: 'maxBytes' });
    await expect(refused).rejects.toThrow('the value for key "big" is not stored: it takes 603 bytes, and MemoryCache holds at most 500 bytes (option "maxBytes")');
    expect(await cache.get('kept')).toBe(1);
  });

  it('through cached(): reported once per function', async () => {
    await expectReportedOnce(new MemoryCache({ maxBytes: 4096 }), encodedAs(5000), 4096, 'maxBytes');
  });

  it.each([
    [-1, 'a positive integer number of bytes'],
    [1.5, 'a positive integer number of bytes'],
    ['1mb', 'a positive integer number of bytes'],
  ])('refuses maxBytes %p with a message naming the option', (maxBytes, allowed) => {
    expect(() => new MemoryCache({ maxBytes } as never)).toThrow(CacheConfigError);
    expect(() => new MemoryCache({ maxBytes } as never)).toThrow(/option "maxBytes"/);
    expect(() => new MemoryCache({ maxBytes } as never)).toThrow(allowed);
  });

  it('refuses maxBytes with copy: false, saying why', () => {
    expect(() => new MemoryCache({ maxBytes: 1000, copy: false })).toThrow(
      'new MemoryCache(options): option "maxBytes" needs copies (copy: true, the default): a value kept as it is (copy: false) has no size one can measure cheaply',
    );
  });
});

describeWithRedis('RedisCache maxValueBytes', ([address = '']) => {
  const [host, port] = address.split(':');
  const prefix = uniquePrefix('size');
  let cache: RedisCache;
  beforeAll(() => {
    cache = new RedisCache({ host, port: Number(port) }, { prefix, maxValueBytes: 2048 });
  });
  afterAll(async () => {
    await cache.clear();
    await cache.close();
  });

  it('refuses a larger value before sending it (set, add, setMany) and stores one at the limit', async () => {
    await expect(cache.set('big', encodedAs(2049))).rejects.toMatchObject({ code: 'E_CACHE_TOO_LARGE', bytes: 2049, limitBytes: 2048 });
    await expect(cache.add('big', encodedAs(2049))).rejects.toBeInstanceOf(ValueTooLargeError);
    await expect(cache.setMany(new Map<string, unknown>([['small', 1], ['big', encodedAs(3000)]]))).rejects.toBeInstanceOf(ValueTooLargeError);
    expect(await cache.getMany(['big', 'small'])).toEqual(new Map());
    await cache.set('edge', encodedAs(2048));
    expect(await cache.get('edge')).toBe(encodedAs(2048));
  });

  it('through cached(): reported once per function', async () => {
    await expectReportedOnce(cache, encodedAs(4000), 2048, 'maxValueBytes');
  });

  it.each([0, -5, 2.5, '1k'])('refuses maxValueBytes %p with a message naming the option', (maxValueBytes) => {
    expect(() => new RedisCache({ host, port: Number(port), lazyConnect: true }, { maxValueBytes } as never)).toThrow(
      /RedisCache: option "maxValueBytes" must be a positive integer number of bytes/,
    );
  });
});

describeWithRedisCluster('RedisCache maxValueBytes on a Cluster', (addresses) => {
  it('refuses a larger value on every slot, and through cached() reports once per function', async () => {
    const cluster = new Cluster(addresses.map((address) => ({ host: address.split(':')[0], port: Number(address.split(':')[1]) })));
    const cache = new RedisCache(cluster, { prefix: uniquePrefix('size-cluster'), maxValueBytes: 2048 });
    try {
      await cluster.ping();
      await expect(cache.setMany(new Map([['a', encodedAs(3000)], ['b', encodedAs(3000)]]))).rejects.toBeInstanceOf(ValueTooLargeError);
      await cache.set('edge', encodedAs(2048));
      expect(await cache.get('edge')).toBe(encodedAs(2048));
      await expectReportedOnce(cache, encodedAs(4000), 2048, 'maxValueBytes');
    } finally {
      await cache.clear();
      await cluster.quit();
    }
  });
});

describeWithMemcached('MemcachedCache maxItemBytes', ([address = '']) => {
  const prefix = uniquePrefix('size');
  let cache: MemcachedCache;
  beforeAll(() => {
    cache = new MemcachedCache(address, { prefix });
  });
  afterAll(() => cache.close());

  it('refuses a value over memcached\'s item size (1 MiB by default) and stores the largest one that fits', async () => {
    const key = 'edge';
    const room = 1024 * 1024 - Buffer.byteLength(`${prefix}:${key}`) - ITEM_OVERHEAD_BYTES;
    // The server itself takes the largest value the backend lets through.
    await cache.set(key, encodedAs(room));
    expect(await cache.get(key)).toBe(encodedAs(room));
    await expect(cache.set(key, encodedAs(room + 1))).rejects.toMatchObject({ code: 'E_CACHE_TOO_LARGE', bytes: room + 1, limitBytes: room, option: 'maxItemBytes' });
    await expect(cache.add('other', encodedAs(2 * 1024 * 1024))).rejects.toBeInstanceOf(ValueTooLargeError);
  });

  it('stores nothing of a setMany with one value too large, wherever it is in the batch', async () => {
    const entries = new Map<string, unknown>(Array.from({ length: 150 }, (_, i) => [`many:${i}`, i]));
    entries.set('many:120', encodedAs(2 * 1024 * 1024));
    await expect(cache.setMany(entries)).rejects.toMatchObject({ code: 'E_CACHE_TOO_LARGE', key: 'many:120' });
    expect(await cache.getMany([...entries.keys()])).toEqual(new Map());
  });

  it('takes a smaller item size from maxItemBytes, and through cached() reports once per function', async () => {
    const small = new MemcachedCache(address, { prefix: `${prefix}-small`, maxItemBytes: 4096 });
    try {
      const room = 4096 - Buffer.byteLength(`${prefix}-small:report:7`) - ITEM_OVERHEAD_BYTES;
      await expectReportedOnce(small, encodedAs(5000), room, 'maxItemBytes');
    } finally {
      await small.close();
    }
  });

  it.each([100, 1024.5, -1, 'big'])('refuses maxItemBytes %p with a message naming the option', (maxItemBytes) => {
    expect(() => new MemcachedCache(address, { maxItemBytes } as never)).toThrow(/option "maxItemBytes" must be an integer number of bytes of at least 1024/);
  });
});

/** The `ValueTooLargeError` lines of docs/errors.md, in order: Memcached, Redis, memory. */
function documentedLines(): string[] {
  const doc = readFileSync(path.resolve(__dirname, '../../docs/errors.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## ValueTooLargeError'), doc.indexOf('## SchemaError'));
  return section.split('\n').filter((line) => line.startsWith('cached(getReport)'));
}

/** What `cached(getReport)` reports on `backend` for a value of 1.5 MiB. */
async function reportFor(backend: CacheInstance): Promise<string | undefined> {
  const reports: EasyCacheError[] = [];
  async function getReport(id: number): Promise<string> {
    return 'x'.repeat(1.5 * 1024 * 1024 - String(id).length) + String(id);
  }
  await cached(getReport, { cacheKey: 'report:{id}', cacheInstance: backend, onError: (error) => reports.push(error) })(7);
  return reports[0]?.message;
}

describe('the messages of docs/errors.md', () => {
  const [memcachedLine, redisLine, memoryLine] = documentedLines();

  it('MemoryCache: as documented', async () => {
    expect(await reportFor(new MemoryCache({ maxBytes: 1024 * 1024 }))).toBe(memoryLine);
  });

  describeWithRedis('RedisCache', ([address = '']) => {
    it('as documented', async () => {
      const [host, port] = address.split(':');
      const cache = new RedisCache({ host, port: Number(port) }, { maxValueBytes: 1024 * 1024 });
      try {
        expect(await reportFor(cache)).toBe(redisLine);
      } finally {
        await cache.close();
      }
    });
  });

  describeWithMemcached('MemcachedCache', ([address = '']) => {
    it('as documented (no prefix: the key is report:7)', async () => {
      const cache = new MemcachedCache(address);
      try {
        expect(await reportFor(cache)).toBe(memcachedLine);
      } finally {
        await cache.close();
      }
    });
  });
});

describe('a write that gets no answer within the bound', () => {
  /** A real memory backend, bounded like a remote one, whose writes never answer. */
  class WritesHang extends MemoryCache {
    override set(): Promise<void> {
      return new Promise(() => undefined);
    }
  }

  it('names the size of a large value, and the ways out', async () => {
    const reports: EasyCacheError[] = [];
    const backend = new WritesHang({ backendTimeoutMs: 20 });
    const getReport = cached(async (id: number) => `${id}${'x'.repeat(1024 * 1024)}`, { name: 'getReport', cacheKey: 'report:{id}', cacheInstance: backend, onError: (error) => reports.push(error) });
    await getReport(7);
    const [documented] = readFileSync(path.resolve(__dirname, '../../docs/errors.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('cached(getReport): backend set failed'));
    expect(reports.map((error) => error.message)).toEqual([documented]);
    expect(reports.map((error) => error.message)).toEqual([
      "cached(getReport): backend set failed for key report:7: no answer within the bound (backendTimeoutMs) for a value of 1 MiB (1048584 bytes) encoded; a value this large may not be written in time: raise backendTimeoutMs, or have the backend refuse such values at once (RedisCache's maxValueBytes)",
    ]);
  });

  it('says only that there was no answer for a small value', async () => {
    const reports: EasyCacheError[] = [];
    const getSmall = cached(async (id: number) => id, { name: 'getSmall', cacheInstance: new WritesHang({ backendTimeoutMs: 20 }), onError: (error) => reports.push(error) });
    await getSmall(1);
    expect(reports.map((error) => error.message)).toEqual([expect.stringMatching(/backend set failed for key .*: no answer within 20 ms$/)]);
  });
});
