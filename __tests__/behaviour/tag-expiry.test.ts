/**
 * Tag keys expire (issue 16 item 4): a tag lives as long as the entries that carry it (never
 * shorter, extended by each tagged write), never-expiring entries keep theirs, an invalidation's
 * new version expires when nothing uses it, and a tag that vanished makes its entries misses and
 * comes back with a new random version. On every backend: memory with its injected clock, the
 * servers with real short timeouts (waiting for the condition, never for a fixed time).
 */
import { cached, invalidateCacheTags, MemoryCache, NOT_FOUND, type CacheInstance } from '../../lib';
import { RedisCache } from '../../lib/backends/redis';
import { INVALIDATED_TAG_SECONDS } from '../../lib/tags/tag-protocol';
import { ALL_BACKENDS, describeOnBackends, type BackendUnderTest } from '../helpers/backends-under-test';
import { describeWithRedis, uniquePrefix } from '../helpers/server-suites';
import { logCommands } from '../setup/redis-command-log';

let serial = 0;
const SLOW = 40_000;

/** A tagged function on `backend` with `timeout`, counting its runs; its tag is `<name>:{id}`. */
function tagged(backend: CacheInstance, name: string, timeout: number | null) {
  const state = { runs: 0 };
  const fn = cached(
    async (id: number) => {
      state.runs += 1;
      return { id, run: state.runs };
    },
    { cacheKey: `${name}:{id}`, tags: [`${name.split('~')[0]}:{id}`], timeout, cacheInstance: backend },
  );
  return { fn, state };
}

/** Lets time pass on the backend's clock, `stepMs` at a time, until `condition` holds. */
async function passUntil(under: BackendUnderTest, condition: () => Promise<boolean>, stepMs = 200, limitMs = 30_000): Promise<void> {
  for (let passed = 0; passed <= limitMs; passed += stepMs) {
    if (await condition()) return;
    await under.passTime(stepMs);
  }
  throw new Error(`passUntil: the condition did not hold within ${limitMs} ms of backend time`);
}

const tagKey = (tag: string): string => `tag:${tag}`;
const softKey = (tag: string): string => `tag-soft:${tag}`;

describeOnBackends('tag keys expire on %s', ALL_BACKENDS, { label: 'tag-expiry', memcachedServers: 'first' }, (under) => {
  it(
    'a tag lives while its entry does, both versions expire after it, and the next call misses and creates the tag anew',
    async () => {
      const u = under();
      const tag = `te${process.pid}x${++serial}`;
      const { fn, state } = tagged(u.backend, tag, 1);
      await fn(1);
      const hard = await u.backend.get(tagKey(`${tag}:1`));
      expect(typeof hard).toBe('string');
      expect(typeof (await u.backend.get(softKey(`${tag}:1`)))).toBe('string');
      await passUntil(u, async () => (await u.backend.get(tagKey(`${tag}:1`))) === NOT_FOUND);
      // The entry went first: a tag never expires before the entries written with it.
      expect(await u.backend.get(`${tag}:1`)).toBe(NOT_FOUND);
      await passUntil(u, async () => (await u.backend.get(softKey(`${tag}:1`))) === NOT_FOUND);
      await fn(1);
      expect(state.runs).toBe(2);
      const again = await u.backend.get(tagKey(`${tag}:1`));
      expect(typeof again).toBe('string');
      expect(again).not.toBe(hard);
    },
    SLOW,
  );

  it(
    'a tag shared with a longer-lived entry lives as long as that one, even when a shorter-lived entry is written after it',
    async () => {
      const u = under();
      const tag = `tl${process.pid}x${++serial}`;
      const long = tagged(u.backend, `${tag}~long`, 60);
      const short = tagged(u.backend, `${tag}~short`, 1);
      await long.fn(1);
      await short.fn(1);
      await passUntil(u, async () => (await u.backend.get(`${tag}~short:1`)) === NOT_FOUND);
      // Past the short entry's whole tag life (its timeout plus margin, rounded up to seconds).
      await u.passTime(3_000);
      expect(typeof (await u.backend.get(tagKey(`${tag}:1`)))).toBe('string');
      expect(typeof (await u.backend.get(softKey(`${tag}:1`)))).toBe('string');
      expect(await long.fn(1)).toEqual({ id: 1, run: 1 });
      expect(long.state.runs).toBe(1);
    },
    SLOW,
  );

  it('a tag that vanished (expired or evicted) makes its entries misses, and comes back with a new version', async () => {
    const u = under();
    const tag = `tv${process.pid}x${++serial}`;
    const { fn, state } = tagged(u.backend, tag, null);
    await fn(1);
    const first = await u.backend.get(tagKey(`${tag}:1`));
    await u.backend.delete(tagKey(`${tag}:1`));
    expect(await fn(1)).toEqual({ id: 1, run: 2 });
    const second = await u.backend.get(tagKey(`${tag}:1`));
    expect(typeof second).toBe('string');
    expect(second).not.toBe(first);
    expect(await fn(1)).toEqual({ id: 1, run: 2 });
    // The soft version alike: its entries are no longer hits (a miss, for a function without grace).
    const soft = await u.backend.get(softKey(`${tag}:1`));
    await u.backend.delete(softKey(`${tag}:1`));
    expect(await fn(1)).toEqual({ id: 1, run: 3 });
    const newSoft = await u.backend.get(softKey(`${tag}:1`));
    expect(typeof newSoft).toBe('string');
    expect(newSoft).not.toBe(soft);
    expect(state.runs).toBe(3);
  });
});

describeOnBackends('tag expiry with the clock moved on %s', ['memory'], { label: 'tag-expiry-clock' }, (under) => {
  it('the tags of never-expiring entries never expire', async () => {
    const u = under();
    const tag = `tn${++serial}`;
    const { fn, state } = tagged(u.backend, tag, null);
    await fn(1);
    await u.passTime(10 * 365 * 86_400_000);
    expect(typeof (await u.backend.get(tagKey(`${tag}:1`)))).toBe('string');
    expect(typeof (await u.backend.get(softKey(`${tag}:1`)))).toBe('string');
    await fn(1);
    expect(state.runs).toBe(1);
  });

  it('a tag written by an invalidation and used by no entry expires after INVALIDATED_TAG_SECONDS', async () => {
    const u = under();
    const tag = `ti${++serial}:1`;
    await invalidateCacheTags(tag, { cacheInstance: u.backend });
    expect(typeof (await u.backend.get(tagKey(tag)))).toBe('string');
    await u.passTime(INVALIDATED_TAG_SECONDS * 1000 - 1000);
    expect(typeof (await u.backend.get(tagKey(tag)))).toBe('string');
    await u.passTime(2000);
    expect(await u.backend.get(tagKey(tag))).toBe(NOT_FOUND);
  });

  it('a tag outlives its entry by the margin, so a miss right after the entry expired still writes under it', async () => {
    const u = under();
    const tag = `tm${++serial}`;
    const { fn, state } = tagged(u.backend, tag, 100);
    await fn(1);
    const version = await u.backend.get(tagKey(`${tag}:1`));
    await u.passTime(100_000 + 1);
    expect(await fn(1)).toEqual({ id: 1, run: 2 });
    expect(await u.backend.get(tagKey(`${tag}:1`))).toBe(version);
    // The second write extended it again: it outlives the new entry.
    await u.passTime(100_000 - 1000);
    expect(await fn(1)).toEqual({ id: 1, run: 2 });
    expect(state.runs).toBe(2);
  });
});

describeWithRedis('tag expiry on redis-server, as the server sees it', ([address = '']) => {
  const [host = '127.0.0.1', port = '6379'] = address.split(':');
  let cache: RedisCache;

  beforeAll(() => {
    cache = new RedisCache({ host, port: Number(port) }, { prefix: uniquePrefix('tag-expiry-redis') });
  });

  afterAll(async () => {
    await cache.clear();
    await cache.close();
  });

  const pttl = (key: string): Promise<number> => cache.client.pttl(`${cache.prefix}:${key}`);

  it('gives both version keys the entry life plus margin; a never-expiring entry makes them persistent', async () => {
    const tag = `rt${++serial}`;
    const { fn } = tagged(cache, tag, 30);
    await fn(1);
    for (const key of [tagKey(`${tag}:1`), softKey(`${tag}:1`)]) {
      expect(await pttl(key)).toBeGreaterThan(30_000);
      expect(await pttl(key)).toBeLessThanOrEqual(60_000);
    }
    const forever = tagged(cache, `${tag}~forever`, null);
    await forever.fn(1);
    expect(await pttl(tagKey(`${tag}:1`))).toBe(-1);
    // A later write of a shorter-lived entry never shortens it.
    const { fn: again } = tagged(cache, `${tag}~again`, 5);
    await again(1);
    expect(await pttl(tagKey(`${tag}:1`))).toBe(-1);
    expect(await pttl(softKey(`${tag}:1`))).toBe(-1);
  });

  it('an invalidation writes its new version with INVALIDATED_TAG_SECONDS', async () => {
    const tag = `ri${++serial}:1`;
    await invalidateCacheTags(tag, { cacheInstance: cache });
    const left = await pttl(tagKey(tag));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(INVALIDATED_TAG_SECONDS * 1000);
  });

  it('a tagged hit sends the same two reads as before, nothing more; the miss extends the tags in the write\'s round trip', async () => {
    const tag = `rc${++serial}`;
    const { fn } = tagged(cache, tag, 30);
    const log = logCommands(cache.client);
    await fn(1);
    const miss = log.sent();
    log.stop();
    expect(miss.filter((name) => name === 'pexpire')).toHaveLength(2);
    // The entry's SET and the two PEXPIREs all leave before the SET's reply comes back.
    const events = log.events;
    const entrySet = events.findIndex((event) => event.type === 'send' && event.name === 'set' && event.args[0] === `${cache.prefix}:${tag}:1`);
    const setReply = events.findIndex((event, i) => i > entrySet && event.type === 'reply' && event.name === 'set');
    const lastExpire = events.map((event) => (event.type === 'send' ? event.name : '')).lastIndexOf('pexpire');
    expect(entrySet).toBeGreaterThan(-1);
    expect(lastExpire).toBeLessThan(setReply);
    const hitLog = logCommands(cache.client);
    await fn(1);
    hitLog.stop();
    expect(hitLog.sent()).toEqual(['mget', 'mget']);
  });
});

describe('the memory miss path', () => {
  it('rejects (never throws) when a tag function throws on a miss', async () => {
    const backend = new MemoryCache();
    const fn = cached(async (id: number) => id, {
      cacheKey: 'throwing-tags:{id}',
      tags: () => {
        throw new Error('no tags today');
      },
      cacheInstance: backend,
    });
    let returned: Promise<number> | undefined;
    expect(() => {
      returned = fn(1);
    }).not.toThrow();
    await expect(returned).rejects.toThrow('no tags today');
  });
});
