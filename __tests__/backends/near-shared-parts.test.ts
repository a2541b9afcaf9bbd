/**
 * Repeated parts of what a near cache holds, kept once (`RepeatTable`, `SharedParts`): bounded
 * tables that unique strings do not fill, sharing at every level of a value, leaves shared only
 * between the tier's own copies, and a caller's object never touched.
 */
import { MemoryCache, taggedJson } from '../../lib';
import { NearTier, type LivedValue, type NearSource } from '../../lib/backends/near/near-tier';
import { RepeatTable } from '../../lib/backends/near/repeat-table';
import { SharedParts } from '../../lib/backends/near/shared-parts';

describe('RepeatTable', () => {
  it('gives back the first thing seen for every later equal one, from the second sighting on', () => {
    const table = new RepeatTable<object>(10, 10);
    const first = { n: 1 };
    const second = { n: 1 };
    const third = { n: 1 };
    expect(table.shared('n1', first)).toBe(first);
    expect(table.keptCount).toBe(0);
    expect(table.shared('n1', second)).toBe(first);
    expect(table.shared('n1', third)).toBe(first);
    expect(table.keptCount).toBe(1);
  });

  it('is not filled by things seen once: candidates are dropped when full, what repeats is still kept', () => {
    const table = new RepeatTable<object>(8, 4);
    const role = { role: 'admin' };
    table.shared('admin', role);
    table.shared('admin', { role: 'admin' });
    for (let i = 0; i < 1000; i++) table.shared(`unique-${i}`, { i });
    expect(table.candidateCount).toBeLessThanOrEqual(8);
    expect(table.keptCount).toBe(1);
    expect(table.shared('admin', { role: 'admin' })).toBe(role);
    const status = { status: 'active' };
    table.shared('active', status);
    expect(table.shared('active', { status: 'active' })).toBe(status);
    expect(table.keptCount).toBe(2);
  });

  it('drops its kept things all at once when full, then keeps what repeats from there', () => {
    const table = new RepeatTable<object>(100, 3);
    for (let i = 0; i < 4; i++) {
      table.shared(`k${i}`, { i });
      table.shared(`k${i}`, { i });
    }
    expect(table.keptCount).toBe(1);
    const fresh = { i: 0 };
    expect(table.shared('k0', fresh)).toBe(fresh);
  });
});

/** A table that marks what it gives back, so that the replacement shows (equal strings cannot be told apart). */
class MarkingTable extends RepeatTable<string> {
  constructor() {
    super(10, 10);
  }

  override shared(id: string): string {
    return `<${id}>`;
  }
}

describe('SharedParts', () => {
  it('puts the kept string in place of each short string, at every level, arrays and nested objects included', () => {
    const parts = new SharedParts(new MarkingTable());
    const long = 'x'.repeat(65);
    const value = { m: 'mark', v: { name: 'Ada', roles: ['admin', 'author'], address: { country: 'FR', lines: [['a']] }, n: 1, ok: true, none: null, long } };
    parts.share(value, false);
    expect(value).toEqual({ m: '<mark>', v: { name: '<Ada>', roles: ['<admin>', '<author>'], address: { country: '<FR>', lines: [['<a>']] }, n: 1, ok: true, none: null, long } });
  });

  it('walks plain objects and arrays only: a Date, a Map, a class instance are left as they are', () => {
    const parts = new SharedParts(new MarkingTable());
    class User {
      name = 'Ada';
    }
    const value = { user: new User(), seen: new Map([['a', 'b']]), at: new Date(0), bare: Object.assign(Object.create(null) as object, { s: 'x' }) };
    parts.share(value, true);
    expect(value.user.name).toBe('Ada');
    expect(value.seen.get('a')).toBe('b');
    expect(value.bare).toEqual({ s: '<x>' });
    parts.share(new User(), true);
    parts.share('text', true);
  });

  it('leaves data that refuses a change as it is, without throwing', () => {
    const parts = new SharedParts(new MarkingTable());
    const frozen = Object.freeze({ a: 'x', inner: Object.freeze(['y']) });
    expect(() => parts.share(frozen, true)).not.toThrow();
    expect(frozen).toEqual({ a: 'x', inner: ['y'] });
  });

  it('with leaves, keeps one of equal arrays and objects of primitives, from the second sighting on', () => {
    const parts = new SharedParts();
    const values = [1, 2, 3].map((id) => ({ id, roles: ['admin', 'author'], flags: { beta: true, tier: 'gold' }, history: [{ at: id }] }));
    for (const value of values) parts.share(value, true);
    const [first, second, third] = values as [(typeof values)[0], (typeof values)[0], (typeof values)[0]];
    expect(second.roles).toBe(first.roles);
    expect(third.roles).toBe(first.roles);
    expect(third.flags).toBe(first.flags);
    // Not a leaf (it holds an object), nor equal: each keeps its own.
    expect(third.history).not.toBe(first.history);
    expect(values.map((value) => value.history[0]?.at)).toEqual([1, 2, 3]);
  });

  it('without leaves, and for large leaves, every value keeps its own arrays and objects', () => {
    const parts = new SharedParts();
    const big = (): string[] => Array.from({ length: 17 }, (_, i) => `r${i}`);
    const a = { roles: ['admin'], big: big() };
    const b = { roles: ['admin'], big: big() };
    parts.share(a, false);
    parts.share(b, false);
    expect(b.roles).not.toBe(a.roles);
    const c = { roles: ['admin'], big: big() };
    const d = { roles: ['admin'], big: big() };
    parts.share(c, true);
    parts.share(d, true);
    expect(d.roles).toBe(c.roles);
    expect(d.big).not.toBe(c.big);
  });
});

describe('NearTier sharing repeated parts', () => {
  /** A tier over an in-process remote store (whose reads are fresh copies, as decoded values are). */
  function tierOver(remote: MemoryCache, copy: boolean): NearTier {
    const source: NearSource = {
      remote,
      maxLifeMs: Infinity,
      defaultTimeout: null,
      serializer: taggedJson,
      keepable: () => true,
      readWithLife: async (keys) => {
        const found = await remote.getMany(keys);
        return new Map([...found].map(([key, value]) => [key, { value, lifeMs: null } satisfies LivedValue]));
      },
    };
    return new NearTier(source, { maxEntries: 100, copy, ttlMs: undefined }, true);
  }
  const user = (id: number): { id: number; name: string; roles: string[] } => ({ id, name: 'Ada', roles: ['admin', 'author'] });
  const rolesHeld = (tier: NearTier, key: string): unknown => (tier.peekSync(key) as { roles: unknown }).roles;

  it('with copies, the held copies share equal lists while every caller gets lists of its own', async () => {
    const tier = tierOver(new MemoryCache(), true);
    for (let id = 1; id <= 3; id++) await tier.set(`u${id}`, user(id));
    expect(rolesHeld(tier, 'u3')).toBe(rolesHeld(tier, 'u1'));
    const one = tier.getSync('u1') as ReturnType<typeof user>;
    const three = tier.getSync('u3') as ReturnType<typeof user>;
    expect(three.roles).not.toBe(one.roles);
    three.roles.push('changed');
    expect(tier.getSync('u1')).toEqual(user(1));
    expect(tier.copyOut(rolesHeld(tier, 'u1'))).toEqual(['admin', 'author']);
  });

  it('with copy: false, never changes a caller\'s written object, nor shares lists between values read', async () => {
    const remote = new MemoryCache();
    const tier = tierOver(remote, false);
    const assigned: PropertyKey[] = [];
    const written = () => new Proxy(user(0), { set: (target, key, value) => (assigned.push(key), Reflect.set(target, key, value)) });
    await tier.set('w1', written());
    await tier.set('w2', written());
    expect(assigned).toEqual([]);
    for (let id = 1; id <= 3; id++) await remote.set(`u${id}`, user(id));
    const read = await Promise.all([1, 2, 3].map((id) => tier.get(`u${id}`)));
    expect(rolesHeld(tier, 'u3')).not.toBe(rolesHeld(tier, 'u1'));
    expect(rolesHeld(tier, 'u3')).toBe((read[2] as ReturnType<typeof user>).roles);
    expect(read).toEqual([user(1), user(2), user(3)]);
  });
});
