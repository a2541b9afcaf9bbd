/**
 * `cloneNoted`: copies by a plan found the first time an object is cloned and noted with its
 * slot. Every row is cloned three times in one slot (the plan is made, then followed twice) and each copy must equal what
 * `clonePlainJson` gives and share nothing with the kept data. The rows of
 * plain-json-copy.test.ts run through it too; these are the shapes where a plan could go wrong.
 */
import { MemoryCache } from '../../lib';
import { cloneNoted, cloneWithMemberNoted, type PlanNotes } from '../../lib/serializer/clone-plan';
import { clonePlainJson, copyPlainJson } from '../../lib/serializer/plain-json-copy';
import { mutateEverywhere, objectsIn } from '../helpers/mutate-everywhere';

/** Objects nested `count` deep, each with a list beside it: more nested objects than a plan is made for. */
function deep(count: number): object {
  let value: object = { leaf: ['x'] };
  for (let i = 0; i < count; i++) value = { level: i, inner: value, list: [i, { at: i }] };
  return value;
}

const ROWS: Array<[string, () => object]> = [
  ['a user with a list of strings', () => ({ id: 1, name: 'Ada', roles: ['admin', 'author'] })],
  ['objects at some indexes of an array', () => [1, { a: [2] }, 'x', [3, { b: {} }], null]],
  ['an object with integer-like keys beside an array of the same look', () => ({ '0': { a: 1 }, '1': 2, list: [{ a: 1 }, 2] })],
  ['a flat object', () => ({ a: 1, b: 'two', c: null })],
  ['an array of primitives', () => ['a', 1, true, null]],
  ['empty members', () => ({ none: [], empty: {}, deeper: [[], {}] })],
  ['more nested objects than a plan is made for (cloned by a walk)', () => deep(40)],
  ['an own "__proto__" member', () => JSON.parse('{"__proto__": {"x": [1]}, "y": 2}') as object],
];

function expectIndependentCopy(cloned: object, kept: object, before: string): void {
  expect(cloned).toStrictEqual(clonePlainJson(kept));
  expect(JSON.stringify(cloned)).toBe(before);
  const keptObjects = objectsIn(kept);
  for (const object of objectsIn(cloned)) expect(keptObjects.has(object)).toBe(false);
}

/** Slot notes as a `ClockStore` keeps them, empty. */
function slotNotes(): PlanNotes & { notes: Map<number, unknown> } {
  const notes = new Map<number, unknown>();
  return { notes, noteOf: (slot) => notes.get(slot), setNote: (slot, note) => void notes.set(slot, note) };
}

describe('cloneNoted', () => {
  it.each(ROWS)('clones %s equal to clonePlainJson, every time, sharing nothing', (_label, make) => {
    const holder = slotNotes();
    const kept = copyPlainJson(make()) as object;
    const before = JSON.stringify(kept);
    for (let round = 0; round < 3; round++) {
      const cloned = cloneNoted(holder, 7, kept);
      expectIndependentCopy(cloned, kept, before);
      mutateEverywhere(cloned);
      expect(JSON.stringify(kept)).toBe(before);
    }
  });

  it('keeps the plans of objects of the same look but other members apart, slot by slot and across holders', () => {
    const holders = [slotNotes(), slotNotes()];
    const values = [{ a: { x: [1] } }, { b: { x: [1] } }, { a: [{ x: 1 }] }, { a: { x: [1] }, b: 2 }].map((value) => copyPlainJson(value) as object);
    for (let round = 0; round < 2; round++) {
      for (const [slot, kept] of values.entries()) {
        for (const holder of holders) expectIndependentCopy(cloneNoted(holder, slot, kept), kept, JSON.stringify(kept));
      }
    }
  });

  it('cloneWithMemberNoted clones the member by the plan noted for the slot, made on the first read', () => {
    const holder = slotNotes();
    const notes = holder.notes;
    const kept = copyPlainJson({ m: 'easy-cache:3', v: { id: 1, roles: ['admin'] }, f: 5 }) as { v: { roles: string[] } };
    for (let round = 0; round < 2; round++) {
      const cloned = cloneWithMemberNoted(holder, 3, kept, 'v') as typeof kept;
      expectIndependentCopy(cloned, kept, JSON.stringify(kept));
      expect(notes.has(3)).toBe(true);
    }
    expect(cloneWithMemberNoted(holder, 4, { m: 'x', v: 'text' }, 'v')).toStrictEqual({ m: 'x', v: 'text' });
  });
});

describe('MemoryCache copies by plans noted with its slots', () => {
  const values: unknown[] = [
    { id: 1, roles: ['admin'] },
    [{ a: [1] }, 'x'],
    { other: { deeper: { list: [[1], { z: 2 }] } }, roles: 'none' },
    { id: 1, roles: ['admin'], extra: { n: 1 } },
  ];

  it('reads a key overwritten with data of another structure as that data, never by the old plan', async () => {
    const cache = new MemoryCache();
    for (let round = 0; round < 2; round++) {
      for (const value of values) {
        await cache.set('k', { m: 'easy-cache:3', v: value });
        for (let read = 0; read < 3; read++) expect(await cache.get('k')).toStrictEqual({ m: 'easy-cache:3', v: value });
      }
    }
  });

  it('reads a slot reused by another key (after a delete or an eviction) by a plan of its own', async () => {
    const cache = new MemoryCache({ maxEntries: 1 });
    for (const [i, value] of values.entries()) {
      await cache.set(`key:${i}`, { m: 'easy-cache:3', v: value });
      const first = (await cache.get(`key:${i}`)) as { v: unknown };
      expect(first).toStrictEqual({ m: 'easy-cache:3', v: value });
      expect(await cache.get(`key:${i}`)).toStrictEqual({ m: 'easy-cache:3', v: value });
      if (i % 2 === 0) await cache.delete(`key:${i}`);
    }
    await cache.clear();
    await cache.set('after-clear', { m: 'easy-cache:3', v: values[1] });
    expect(await cache.get('after-clear')).toStrictEqual({ m: 'easy-cache:3', v: values[1] });
  });

  it('hands out copies that share nothing with what it keeps, read after read', async () => {
    const cache = new MemoryCache();
    await cache.set('k', { m: 'easy-cache:3', v: { id: 1, roles: ['admin'] } });
    const first = (await cache.get('k')) as { v: { roles: string[] } };
    first.v.roles.push('changed');
    const second = (await cache.get('k')) as { v: { roles: string[] } };
    expect(second.v.roles).toStrictEqual(['admin']);
    second.v.roles.push('again');
    expect(((await cache.get('k')) as { v: { roles: string[] } }).v.roles).toStrictEqual(['admin']);
  });
});
