/**
 * The near tier on its own, over an in-process `MemoryCache` as the remote store and a clock moved
 * by hand: what it keeps and for how long, and that a reply on its way when an invalidation, a
 * flush or a change of trust arrives is never kept (the races that a push from Redis can lose).
 */
import { MemoryCache, NOT_FOUND, NOT_HELD, taggedJson, type CacheInstance } from '../../lib';
import { NearTier, type LivedValue, type NearSource } from '../../lib/backends/near/near-tier';
import { deferred, type Deferred } from '../helpers/deferred';

let now = 1_000_000;
const clock = (): number => now;

/** A source over `remote`; `pause()` makes the next reads wait for the test. */
function sourceOver(remote: CacheInstance, overrides: Partial<NearSource> = {}): NearSource & { pause(): Deferred<void> } {
  let gate: Deferred<void> | undefined;
  return {
    remote,
    maxLifeMs: Infinity,
    defaultTimeout: null,
    serializer: taggedJson,
    keepable: () => true,
    now: clock,
    readWithLife: async (keys) => {
      const found = await remote.getMany(keys);
      if (gate) await gate.promise;
      const lived = new Map<string, LivedValue>();
      for (const [key, value] of found) lived.set(key, { value, lifeMs: null });
      return lived;
    },
    pause: () => (gate = deferred()),
    ...overrides,
  };
}

const options = { maxEntries: 100, copy: true, ttlMs: undefined };

describe('NearTier', () => {
  let remote: MemoryCache;

  beforeEach(() => {
    now = 1_000_000;
    remote = new MemoryCache({ now: clock });
  });

  it('keeps what it reads and what it writes, and answers it without the remote store', async () => {
    const tier = new NearTier(sourceOver(remote), options, true);
    await remote.set('read', 'from remote');
    expect(tier.getSync('read')).toBe(NOT_HELD);
    expect(await tier.get('read')).toBe('from remote');
    await tier.set('written', { a: 1 });
    await remote.delete('read');
    await remote.delete('written');
    expect(tier.getSync('read')).toBe('from remote');
    expect(tier.getSync('written')).toEqual({ a: 1 });
    expect(tier.tiered).toBe(true);
  });

  it('holds a copy for at most ttlMs (maxLifeMs): another writer is seen within it', async () => {
    const here = new NearTier(sourceOver(remote, { maxLifeMs: 1000 }), options, true);
    const there = new NearTier(sourceOver(remote, { maxLifeMs: 1000 }), options, true);
    await there.set('k', 'old');
    expect(await here.get('k')).toBe('old');
    await there.set('k', 'new');
    expect(here.getSync('k')).toBe('old');
    now += 1000;
    expect(here.getSync('k')).toBe(NOT_HELD);
    expect(await here.get('k')).toBe('new');
  });

  it('ends a copy read from the remote store no later than the remote entry', async () => {
    const source = sourceOver(remote, {
      readWithLife: async (keys) => new Map(keys.map((key) => [key, { value: 'v', lifeMs: 500 }] as const)),
    });
    const tier = new NearTier(source, options, true);
    await tier.get('k');
    now += 499;
    expect(tier.getSync('k')).toBe('v');
    now += 1;
    expect(tier.getSync('k')).toBe(NOT_HELD);
  });

  it('keeps a write for its own timeout, capped by maxLifeMs', async () => {
    const tier = new NearTier(sourceOver(remote, { maxLifeMs: 10_000 }), options, true);
    await tier.set('short', 's', 2);
    await tier.set('long', 'l', 60);
    now += 2000;
    expect(tier.getSync('short')).toBe(NOT_HELD);
    expect(tier.getSync('long')).toBe('l');
    now += 8000;
    expect(tier.getSync('long')).toBe(NOT_HELD);
  });

  it('counts the life of a write from when it was sent, so the copy ends no later than the remote entry', async () => {
    const slow = Object.assign(Object.create(remote) as MemoryCache, {
      set: async (key: string, value: unknown, timeout?: number | null) => {
        await remote.set(key, value, timeout);
        now += 500;
      },
    });
    const tier = new NearTier(sourceOver(slow), options, true);
    await tier.set('k', 'v', 2);
    now += 1499;
    expect(tier.getSync('k')).toBe('v');
    now += 1;
    expect(tier.getSync('k')).toBe(NOT_HELD);
  });

  it.each([
    ['an invalidation of its key', (tier: NearTier) => tier.invalidate(['k'])],
    ['a flush', (tier: NearTier) => tier.invalidate(null)],
    ['a bypass and a new trust', (tier: NearTier) => (tier.bypass(), tier.trust())],
  ])('does not keep a read that was on its way when %s arrived', async (_what, arrive) => {
    const source = sourceOver(remote);
    const tier = new NearTier(source, options, true);
    await remote.set('k', 'old');
    const gate = source.pause();
    const read = tier.get('k');
    arrive(tier);
    gate.resolve();
    expect(await read).toBe('old');
    expect(tier.getSync('k')).toBe(NOT_HELD);
  });

  it('keeps the other keys of a read when one of them is invalidated on the way', async () => {
    const source = sourceOver(remote);
    const tier = new NearTier(source, options, true);
    await remote.setMany(new Map([['a', 1], ['b', 2]]));
    const gate = source.pause();
    const read = tier.getMany(['a', 'b']);
    tier.invalidate(['a']);
    gate.resolve();
    expect([...(await read)]).toEqual([['a', 1], ['b', 2]]);
    expect(tier.getSync('a')).toBe(NOT_HELD);
    expect(tier.getSync('b')).toBe(2);
  });

  it('does not keep a write whose key was invalidated while it was on its way', async () => {
    const gate = deferred();
    const slow = Object.assign(Object.create(remote) as MemoryCache, {
      set: async (key: string, value: unknown) => {
        await gate.promise;
        await remote.set(key, value);
      },
    });
    const tier = new NearTier(sourceOver(slow), options, true);
    const write = tier.set('k', 'mine');
    tier.invalidate(['k']);
    gate.resolve();
    await write;
    expect(tier.getSync('k')).toBe(NOT_HELD);
  });

  it('forgets a key at once when this process writes or deletes it', async () => {
    const tier = new NearTier(sourceOver(remote), options, true);
    await tier.set('k', 'one');
    const pending = tier.delete('k');
    expect(tier.getSync('k')).toBe(NOT_HELD);
    expect(await pending).toBe(true);
    expect(await tier.get('k')).toBe(NOT_FOUND);
  });

  it('while bypassed, reads the remote store and keeps nothing; trust() starts empty', async () => {
    const tier = new NearTier(sourceOver(remote), options, false);
    await remote.set('k', 'v');
    expect(tier.getSync('k')).toBe(NOT_HELD);
    expect(await tier.get('k')).toBe('v');
    expect(tier.size).toBe(0);
    tier.trust();
    expect(await tier.get('k')).toBe('v');
    expect(tier.getSync('k')).toBe('v');
    tier.bypass();
    expect(tier.getSync('k')).toBe(NOT_HELD);
    expect(tier.size).toBe(0);
  });

  it('rejects with the remote failure and keeps nothing, then works again', async () => {
    let failing = true;
    const source = sourceOver(remote, {
      readWithLife: async (keys) => {
        if (failing) throw new Error('remote down');
        return new Map(keys.map((key) => [key, { value: 'back', lifeMs: null }] as const));
      },
    });
    const tier = new NearTier(source, options, true);
    await expect(tier.get('k')).rejects.toThrow('remote down');
    expect(tier.getSync('k')).toBe(NOT_HELD);
    failing = false;
    expect(await tier.get('k')).toBe('back');
    expect(tier.getSync('k')).toBe('back');
  });

  it('copies the value of a lent entry for a caller, read after read, and hands out primitives as they are', async () => {
    const tier = new NearTier(sourceOver(remote), options, true);
    await tier.set('e', { m: 'easy-cache:3', v: { id: 1, roles: ['admin'] } });
    const lent = tier.peekSync('e') as { v: { roles: string[] } };
    for (let read = 0; read < 2; read++) {
      const copy = tier.copyOut(lent.v) as typeof lent.v;
      expect(copy).toEqual({ id: 1, roles: ['admin'] });
      expect(copy).not.toBe(lent.v);
      expect(copy.roles).not.toBe(lent.v.roles);
      copy.roles.push('changed');
    }
    expect(tier.copyOut('text')).toBe('text');
    const sharing = new NearTier(sourceOver(remote), { ...options, copy: false }, true);
    await sharing.set('e', { v: { roles: [] } });
    const held = sharing.peekSync('e') as { v: unknown };
    expect(sharing.copyOut(held.v)).toBe(held.v);
  });

  it('holds at most maxEntries', async () => {
    const tier = new NearTier(sourceOver(remote), { ...options, maxEntries: 3 }, true);
    for (let i = 0; i < 10; i++) await tier.set(`k${i}`, i);
    expect(tier.size).toBe(3);
  });

  it('rejects every call after close() and closes the remote store', async () => {
    const tier = new NearTier(sourceOver(remote), options, true);
    let released = false;
    tier.onClose(async () => {
      released = true;
    });
    await tier.close();
    await tier.close();
    expect(released).toBe(true);
    await expect(tier.get('k')).rejects.toThrow(/after close/);
    tier.invalidate(['k']);
  });
});

/**
 * The tier's memory of tag checks (`tagsHeldCurrent` / `noteTagsCurrent`): a tagged near hit
 * skips reading its versions again only while nothing held changed and none of them expired.
 */
const VERSION_KEYS = ['tag:a', 'tag-soft:a'];
const sharing = { maxEntries: 100, copy: false, ttlMs: undefined };

/** A trusted tier holding the entry `e` and both versions of tag `a`; values read live `lives[key]` ms near (none: as long as memory allows). */
async function holding(lives: Record<string, number> = {}): Promise<{ tier: NearTier; remote: MemoryCache }> {
  const remote = new MemoryCache({ now: clock });
  await remote.setMany(new Map<string, unknown>([['e', { v: 1 }], ['tag:a', 'h1'], ['tag-soft:a', 's1'], ['other', 'x']]));
  const readWithLife = async (keys: readonly string[]): Promise<Map<string, LivedValue>> => {
    const found = await remote.getMany(keys);
    return new Map([...found].map(([key, value]) => [key, { value, lifeMs: lives[key] ?? null }] as const));
  };
  const tier = new NearTier(sourceOver(remote, { readWithLife }), sharing, true);
  await tier.getMany(['e', ...VERSION_KEYS, 'other']);
  return { tier, remote };
}

describe('NearTier tag check memory', () => {
  beforeEach(() => {
    now = 1_000_000;
  });

  it('answers true once the versions were noted current, and false before', async () => {
    const { tier } = await holding();
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    expect(tier.tagsHeldCurrent('e', now)).toBe(true);
    expect(tier.tagsHeldCurrent('other', now)).toBe(false);
  });

  it('notes nothing when a version is not held', async () => {
    const { tier } = await holding();
    tier.noteTagsCurrent('e', [...VERSION_KEYS, 'tag:missing'], now);
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
  });

  it('ends when the first of the versions expires, no later', async () => {
    const { tier } = await holding({ 'tag:a': 5000, 'tag-soft:a': 500 });
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    now += 499;
    expect(tier.tagsHeldCurrent('e', now)).toBe(true);
    now += 1;
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
  });

  it.each([
    ['a push invalidates any key', (tier: NearTier) => tier.invalidate(['other'])],
    ['a flush arrives', (tier: NearTier) => tier.invalidate(null)],
    ['this process writes any key', (tier: NearTier) => void tier.set('other', 'y')],
    ['this process deletes any key', (tier: NearTier) => void tier.delete('other')],
    ['the tier is bypassed', (tier: NearTier) => tier.bypass()],
    ['the tier is trusted again', (tier: NearTier) => tier.trust()],
  ])('is forgotten when %s', async (_what, change) => {
    const { tier } = await holding();
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    change(tier);
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
  });

  it('is forgotten when a read keeps a new value', async () => {
    const { tier, remote } = await holding();
    await remote.set('fresh', 'z');
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    await tier.get('fresh');
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
  });

  it('answers for the key asked, whichever entry was read last', async () => {
    const { tier } = await holding();
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    tier.peekSync('other', now);
    expect(tier.tagsHeldCurrent('e', now)).toBe(true);
    expect(tier.tagsHeldCurrent('other', now)).toBe(false);
    tier.peekSync('e', now);
    expect(tier.tagsHeldCurrent('other', now)).toBe(false);
    expect(tier.tagsHeldCurrent('e', now)).toBe(true);
  });

  it('is gone with its entry when the entry expires, and a value kept later in its slot is not noted', async () => {
    const { tier, remote } = await holding({ e: 100 });
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    now += 100;
    expect(tier.peekSync('e', now)).toBe(NOT_HELD);
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
    await remote.set('later', 'l');
    await tier.get('later');
    expect(tier.tagsHeldCurrent('later', now)).toBe(false);
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
  });

  it('answers false while bypassed and notes nothing then', async () => {
    const { tier } = await holding();
    tier.bypass();
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
  });
});
