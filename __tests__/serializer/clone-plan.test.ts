/**
 * `ClonePlans`: copies by a plan found the first time an object is cloned. Every row is cloned
 * three times by one holder (the plan is made, then followed twice) and each copy must equal what
 * `clonePlainJson` gives and share nothing with the kept data. The rows of
 * plain-json-copy.test.ts run through it too; these are the shapes where a plan could go wrong.
 */
import { ClonePlans } from '../../lib/serializer/clone-plan';
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

describe('ClonePlans', () => {
  it.each(ROWS)('clones %s equal to clonePlainJson, every time, sharing nothing', (_label, make) => {
    const plans = new ClonePlans();
    const kept = copyPlainJson(make()) as object;
    const before = JSON.stringify(kept);
    for (let round = 0; round < 3; round++) {
      const cloned = plans.clone(kept);
      expectIndependentCopy(cloned, kept, before);
      mutateEverywhere(cloned);
      expect(JSON.stringify(kept)).toBe(before);
    }
  });

  it('keeps the plans of objects of the same look but other members apart, also across holders', () => {
    const plans = new ClonePlans();
    const others = new ClonePlans();
    const values = [{ a: { x: [1] } }, { b: { x: [1] } }, { a: [{ x: 1 }] }, { a: { x: [1] }, b: 2 }].map((value) => copyPlainJson(value) as object);
    for (let round = 0; round < 2; round++) {
      for (const kept of values) {
        for (const holder of [plans, others]) expectIndependentCopy(holder.clone(kept), kept, JSON.stringify(kept));
      }
    }
  });
});
