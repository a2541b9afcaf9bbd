/**
 * `rewrite` on the servers is a compare-and-set: a delete or a write that reaches the key between
 * its read and its write wins, and the rewrite then writes nothing (the core reads again: see
 * expire-against-invalidate.test.ts). With a near cache, the near copy never outlives a rewrite.
 * The contract cases every backend passes are in lib/testing/rewrite-cases.ts.
 */
import { NOT_FOUND, type CacheInstance, type EntryRewrite } from '../../lib';
import { MemcachedCache } from '../../lib/backends/memcached';
import { RedisCache } from '../../lib/backends/redis';
import { describeOnBackends } from '../helpers/backends-under-test';
import { describeSkippedWithout, serverAddresses, uniquePrefix } from '../helpers/server-suites';
import { hostAndPort } from '../helpers/host-and-port';

let serial = 0;

/** Rewrites `key` to `value`, running `meanwhile` on the same backend between the read and the write. */
async function rewriteAcross(backend: CacheInstance, key: string, value: unknown, meanwhile: () => Promise<unknown>): Promise<boolean> {
  let sent: Promise<unknown> | undefined;
  const written = await (backend.rewrite as NonNullable<CacheInstance['rewrite']>)(key, (): EntryRewrite => {
    sent = meanwhile();
    return { value, timeout: 60 };
  });
  await sent;
  return written;
}

describeOnBackends('rewrite on %s', ['redis', 'redis-cluster', 'memcached'], { label: 'rewrite-cas' }, (under, name) => {
  // On one Redis connection the command sent first arrives first; memcached's client may use
  // another connection of its pool for it, so there only the outcome is certain, not who came first.
  const ordered = name !== 'memcached';

  it('lets a delete made between its read and its write win', async () => {
    const { backend } = under();
    const key = `rw-delete-${++serial}`;
    await backend.set(key, { n: 1 }, 60);
    const written = await rewriteAcross(backend, key, { n: 2 }, () => backend.delete(key));
    expect(await backend.get(key)).toBe(NOT_FOUND);
    if (ordered) expect(written).toBe(false);
  });

  it('lets a write made between its read and its write win', async () => {
    const { backend } = under();
    const key = `rw-write-${++serial}`;
    await backend.set(key, { n: 1 }, 60);
    const written = await rewriteAcross(backend, key, { n: 2 }, () => backend.set(key, { n: 9 }, 60));
    expect(await backend.get(key)).toEqual({ n: 9 });
    if (ordered) expect(written).toBe(false);
  });

  it('writes when nothing came between', async () => {
    const { backend } = under();
    const key = `rw-plain-${++serial}`;
    await backend.set(key, { n: 1 }, 60);
    await expect(rewriteAcross(backend, key, { n: 2 }, async () => undefined)).resolves.toBe(true);
    expect(await backend.get(key)).toEqual({ n: 2 });
  });

  if (ordered) {
    it('stores a key read missing only if it is still missing', async () => {
    const { backend } = under();
    const key = `rw-missing-${++serial}`;
    await expect(rewriteAcross(backend, key, { n: 1 }, () => backend.add(key, { n: 7 }, 60))).resolves.toBe(false);
    expect(await backend.get(key)).toEqual({ n: 7 });
  });
  }
});

describe.each([
  ['redis', () => new RedisCache(hostAndPort(serverAddresses('redis')[0] ?? ''), { prefix: uniquePrefix('rewrite-near'), nearCache: {} })],
  ['memcached', () => new MemcachedCache(serverAddresses('memcached'), { prefix: uniquePrefix('rewrite-near'), nearCache: { ttlMs: 60_000 } })],
] as const)('rewrite through a near cache on %s', (kind, build) => {
  if (serverAddresses(kind).length === 0) {
    describeSkippedWithout(kind, `rewrite through a near cache on ${kind}`);
    return;
  }
  let backend: RedisCache | MemcachedCache;
  beforeAll(() => {
    backend = build();
  });
  afterAll(async () => {
    await backend.close();
  });

  it('drops the near copy: the next read returns what was written', async () => {
    const key = `rw-near-${++serial}`;
    await backend.set(key, { n: 1 }, 60);
    expect(await backend.get(key)).toEqual({ n: 1 });
    await expect(backend.rewrite(key, (stored) => ({ value: { n: (stored as { n: number }).n + 1 }, timeout: 60 }))).resolves.toBe(true);
    expect(await backend.get(key)).toEqual({ n: 2 });
  });
});
