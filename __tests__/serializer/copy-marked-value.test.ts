/**
 * `copyMarkedValueOrNot`, the copy of the core's plainest entry `{ m, v }` on the memory miss
 * path: for that shape it gives what `copyPlainJsonOrNot` gives, and leaves every other object to it.
 */
import { NOT_PLAIN, OTHER_SHAPE, copyMarkedValueOrNot, copyPlainJsonOrNot } from '../../lib/serializer/plain-json-copy';
import { mutateEverywhere, objectsIn } from '../helpers/mutate-everywhere';

class Point {
  x = 1;
}

describe('copyMarkedValueOrNot', () => {
  it.each([
    ['a user record', () => ({ m: 'easy-cache:3', v: { id: 1, name: 'Ada', roles: ['admin', { level: [2] }] } })],
    ['a string', () => ({ m: 'easy-cache:3', v: 'text' })],
    ['null', () => ({ m: 'easy-cache:3', v: null })],
    ['an array', () => ({ m: 'easy-cache:3', v: [1, [2], { a: 3 }] })],
    ['an object mark', () => ({ m: { not: 'a string' }, v: 1 })],
  ])('copies { m, v } around %s as copyPlainJsonOrNot does, sharing no object', (_label, make) => {
    const value = make();
    const copy = copyMarkedValueOrNot(value);
    expect(copy).toStrictEqual(copyPlainJsonOrNot(make()));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    const source = objectsIn(value);
    for (const object of objectsIn(copy)) expect(source.has(object)).toBe(false);
    mutateEverywhere(copy);
    expect(value).toStrictEqual(make());
  });

  it.each([
    ['a Date', () => ({ m: 'easy-cache:3', v: new Date(0) })],
    ['a class instance', () => ({ m: 'easy-cache:3', v: { at: new Point() } })],
    ['undefined', () => ({ m: 'easy-cache:3', v: undefined })],
    ['NaN', () => ({ m: 'easy-cache:3', v: [NaN] })],
    ['a function mark', () => ({ m: () => 1, v: 1 })],
  ])('answers NOT_PLAIN around %s, as copyPlainJsonOrNot does', (_label, make) => {
    expect(copyMarkedValueOrNot(make())).toBe(NOT_PLAIN);
    expect(copyPlainJsonOrNot(make())).toBe(NOT_PLAIN);
  });

  it.each([
    ['other members', () => ({ m: 'easy-cache:3', v: 1, f: 5 })],
    ['the members in another order', () => ({ v: 1, m: 'easy-cache:3' })],
    ['one member', () => ({ m: 'easy-cache:3' })],
    ['an array', () => ['m', 'v']],
    ['a class instance', () => Object.assign(new Point(), { m: 'x', v: 1 })],
    ['an object without prototype', () => Object.assign(Object.create(null) as object, { m: 'x', v: 1 })],
  ])('leaves %s to copyPlainJsonOrNot (OTHER_SHAPE)', (_label, make) => {
    expect(copyMarkedValueOrNot(make())).toBe(OTHER_SHAPE);
  });

  it('leaves out a symbol-keyed member, as JSON does', () => {
    const copy = copyMarkedValueOrNot({ m: 'easy-cache:3', v: 1, [Symbol('k')]: 2 });
    expect(copy).toStrictEqual({ m: 'easy-cache:3', v: 1 });
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
  });

  it('never takes inherited members for its own', () => {
    Object.defineProperty(Object.prototype, 'v', { value: { evil: true }, enumerable: true, configurable: true, writable: true });
    try {
      expect(copyMarkedValueOrNot({ m: 'easy-cache:3' })).toBe(OTHER_SHAPE);
    } finally {
      delete (Object.prototype as Record<string, unknown>).v;
    }
  });

  it('reads each getter once, in order, and answers NOT_PLAIN where one throws', () => {
    const reads: string[] = [];
    const value = {
      get m() {
        reads.push('m');
        return 'easy-cache:3';
      },
      get v() {
        reads.push('v');
        return { n: 1 };
      },
    };
    expect(copyMarkedValueOrNot(value)).toStrictEqual({ m: 'easy-cache:3', v: { n: 1 } });
    expect(reads).toEqual(['m', 'v']);
    const failing = {
      m: 'easy-cache:3',
      get v(): never {
        throw new Error('getter failed');
      },
    };
    expect(copyMarkedValueOrNot(failing)).toBe(NOT_PLAIN);
  });
});
