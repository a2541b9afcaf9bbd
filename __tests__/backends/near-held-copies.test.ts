/**
 * What a near cache with `copy` keeps and hands out (`HeldCopies`): no caller ever holds what is
 * kept, whether the value is plain data (copied, cloned on each read) or not (kept as text).
 */
import { SerializationError, taggedJson, type Serializer } from '../../lib';
import { HeldCopies, isLendable } from '../../lib/backends/near/held-copies';

describe('HeldCopies', () => {
  const copies = new HeldCopies('near cache', taggedJson);

  it('keeps plain data as a copy of its own and hands out a new copy each time', () => {
    const value = { list: [1, 2], nested: { a: 'x' } };
    const kept = copies.keep('k', value);
    value.list.push(3);
    const first = copies.handOut('k', kept) as typeof value;
    expect(first).toEqual({ list: [1, 2], nested: { a: 'x' } });
    first.nested.a = 'changed';
    expect(copies.handOut('k', kept)).toEqual({ list: [1, 2], nested: { a: 'x' } });
    expect(isLendable(kept)).toBe(true);
  });

  it('keeps what plain data cannot carry (a Date, a Map) as text, decoded on each read and never lent', () => {
    const value = { at: new Date(0), seen: new Map([['a', 1]]) };
    const kept = copies.keep('k', value);
    expect(isLendable(kept)).toBe(false);
    const first = copies.handOut('k', kept) as typeof value;
    expect(first).toEqual(value);
    first.at.setTime(5);
    expect((copies.handOut('k', kept) as typeof value).at).toEqual(new Date(0));
  });

  it('keeps primitives as they are', () => {
    for (const value of ['version', 1, null, true]) {
      expect(copies.keep('k', value)).toBe(value);
      expect(copies.handOut('k', value)).toBe(value);
    }
  });

  it('keeps everything as text under a custom serializer, which decides what comes back', () => {
    const wrapping: Serializer = { encode: (value) => JSON.stringify(value), decode: (text) => ({ decoded: JSON.parse(text) as unknown }) };
    const custom = new HeldCopies('near cache', wrapping);
    const kept = custom.keep('k', { a: 1 });
    expect(isLendable(kept)).toBe(false);
    expect(custom.handOut('k', kept)).toEqual({ decoded: { a: 1 } });
  });

  it('refuses what the serializer cannot encode with a SerializationError saying why', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => copies.keep('user:1', cyclic)).toThrow(SerializationError);
    expect(() => copies.keep('user:1', cyclic)).toThrow(/cyclic/);
  });
});
