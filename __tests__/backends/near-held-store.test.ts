/**
 * What the near tier holds (`HeldStore`): a pair `{ m, v }` of the tier's own is held as its `v`
 * and handed out as an equal pair; what is lent is read at once; copies share nothing with what is
 * held; a caller's object with `copy: false` is held as it is.
 */
import { NOT_FOUND, taggedJson } from '../../lib';
import { HeldCopies } from '../../lib/backends/near/held-copies';
import { HeldStore } from '../../lib/backends/near/held-store';

let now = 1_000;
const clock = (): number => now;
const copying = (maxEntries = 10): HeldStore => new HeldStore(maxEntries, clock, new HeldCopies('near cache', taggedJson));
const sharing = (maxEntries = 10): HeldStore => new HeldStore(maxEntries, clock, undefined);
const entry = (id: number): { m: string; v: { id: number; roles: string[] } } => ({ m: 'easy-cache:3', v: { id, roles: ['admin'] } });

describe('HeldStore', () => {
  beforeEach(() => {
    now = 1_000;
  });

  it('with copies, hands out an equal pair of its own on every read, sharing nothing with what it holds', () => {
    const store = copying();
    store.keep('k', entry(1), Infinity, false);
    const first = store.getSync('k') as ReturnType<typeof entry>;
    expect(first).toStrictEqual(entry(1));
    expect(Object.keys(first)).toEqual(['m', 'v']);
    first.v.roles.push('changed');
    const second = store.getSync('k') as ReturnType<typeof entry>;
    expect(second).toStrictEqual(entry(1));
    expect(second.v).not.toBe(first.v);
  });

  it('lends a pair through a wrapper filled for the read, whose value copyOut copies', () => {
    const store = copying();
    store.keep('a', entry(1), Infinity, false);
    store.keep('b', { m: 'easy-cache:3', v: 'text' }, Infinity, false);
    const lent = store.lend('a') as ReturnType<typeof entry>;
    expect(lent).toStrictEqual(entry(1));
    for (let read = 0; read < 2; read++) {
      const copy = store.copyOut(lent.v) as ReturnType<typeof entry>['v'];
      expect(copy).toStrictEqual(entry(1).v);
      expect(copy).not.toBe(lent.v);
      expect(copy.roles).not.toBe(lent.v.roles);
    }
    expect(store.lend('b')).toStrictEqual({ m: 'easy-cache:3', v: 'text' });
    expect(store.copyOut('text')).toBe('text');
  });

  it('copies a lent value right after its slot took another value (by a walk, not by the new plan)', () => {
    const store = copying(1);
    store.keep('a', entry(1), Infinity, false);
    const old = (store.lend('a') as ReturnType<typeof entry>).v;
    store.keep('b', { m: 'easy-cache:3', v: [{ other: [1] }] }, Infinity, false);
    const other = (store.lend('b') as { v: object }).v;
    expect(store.copyOut(other)).toStrictEqual([{ other: [1] }]);
    expect(store.copyOut(old)).toStrictEqual(entry(1).v);
    expect(store.lend('a')).toBe(NOT_FOUND);
  });

  it('holds anything but a pair of a string mark and a value as it was kept', () => {
    const store = copying();
    const values: unknown[] = [{ m: 1, v: 2 }, { v: 'x', m: 'y' }, { m: 'x', v: 1, t: { a: 'b' } }, { m: 'x' }, ['m', 'v'], 'text', 3, null];
    for (const [i, value] of values.entries()) store.keep(`k${i}`, value, Infinity, false);
    for (const [i, value] of values.entries()) {
      expect(store.getSync(`k${i}`)).toStrictEqual(value);
      expect(store.lend(`k${i}`)).toStrictEqual(value);
    }
  });

  it('does not lend a value held as text (it must be decoded), and still hands it out', () => {
    const store = copying();
    store.keep('k', { m: 'easy-cache:3', v: new Date(5) }, Infinity, false);
    expect(store.lend('k')).toBe(NOT_FOUND);
    expect(store.getSync('k')).toStrictEqual({ m: 'easy-cache:3', v: new Date(5) });
  });

  it('without copies, holds a caller\'s object as it is, and a pair decoded for a read as its value', () => {
    const store = sharing();
    const written = entry(1);
    store.keep('w', written, Infinity, false);
    expect(store.getSync('w')).toBe(written);
    expect(store.lend('w')).toBe(written);
    const decoded = entry(2);
    store.keep('d', decoded, Infinity, true);
    const first = store.getSync('d') as ReturnType<typeof entry>;
    expect(first).toStrictEqual(entry(2));
    expect(first.v).toBe(decoded.v);
    expect((store.lend('d') as ReturnType<typeof entry>).v).toBe(decoded.v);
    expect(store.copyOut(decoded.v)).toBe(decoded.v);
  });

  it('ends an entry after its life, and tells until when it lives', () => {
    const store = copying();
    store.keep('k', entry(1), 500, false);
    store.keep('forever', entry(2), Infinity, false);
    expect(store.liveUntil('k', now)).toBe(1_500);
    expect(store.liveUntil('forever', now)).toBe(Infinity);
    now = 1_500;
    expect(store.getSync('k')).toBe(NOT_FOUND);
    expect(store.liveUntil('k', now)).toBe(-1);
    store.delete('forever');
    expect(store.size).toBe(0);
  });

  it('holds pairs under more marks than a slot can name as they were kept, equal either way', () => {
    const store = copying(200);
    for (let i = 0; i < 130; i++) store.keep(`k${i}`, { m: `mark-${i}`, v: { i } }, Infinity, false);
    for (let i = 0; i < 130; i++) expect(store.getSync(`k${i}`)).toStrictEqual({ m: `mark-${i}`, v: { i } });
    store.clear();
    expect(store.size).toBe(0);
  });
});
