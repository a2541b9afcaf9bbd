/**
 * The near tier's memory of tag checks (`tagsHeldCurrent` / `noteTagsCurrent`): a tagged near hit
 * skips reading its versions again only while nothing held changed and none of them expired.
 * Over an in-process `MemoryCache` as the remote store and a clock moved by hand.
 */
import { MemoryCache, taggedJson } from '../../lib';
import { NearTier, type LivedValue, type NearSource } from '../../lib/backends/near/near-tier';

let now = 1_000_000;
const clock = (): number => now;

/** Values read from `remote` live `lives[key]` ms near (no entry: as long as memory allows). */
function sourceOver(remote: MemoryCache, lives: Record<string, number> = {}): NearSource {
  return {
    remote,
    maxLifeMs: Infinity,
    defaultTimeout: null,
    serializer: taggedJson,
    keepable: () => true,
    now: clock,
    readWithLife: async (keys) => {
      const found = await remote.getMany(keys);
      const lived = new Map<string, LivedValue>();
      for (const [key, value] of found) lived.set(key, { value, lifeMs: lives[key] ?? null });
      return lived;
    },
  };
}

const VERSION_KEYS = ['tag:a', 'tag-soft:a'];
const options = { maxEntries: 100, copy: false, ttlMs: undefined };

/** A trusted tier holding the entry `e` and both versions of tag `a`. */
async function holding(lives: Record<string, number> = {}): Promise<{ tier: NearTier; remote: MemoryCache }> {
  const remote = new MemoryCache({ now: clock });
  await remote.setMany(new Map<string, unknown>([['e', { v: 1 }], ['tag:a', 'h1'], ['tag-soft:a', 's1'], ['other', 'x']]));
  const tier = new NearTier(sourceOver(remote, lives), options, true);
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

  it('answers false while bypassed and notes nothing then', async () => {
    const { tier } = await holding();
    tier.bypass();
    tier.noteTagsCurrent('e', VERSION_KEYS, now);
    expect(tier.tagsHeldCurrent('e', now)).toBe(false);
  });
});
