import { ClockStore } from '../../lib/backends/memory/clock-store';

/** `expiresAt` for an entry that never expires. */
const NEVER = 0;

/** A store on a clock that never moves, so nothing here depends on timing. */
function store(maxEntries = 8): ClockStore {
  return new ClockStore(maxEntries, () => 1_000_000);
}

/** The form of the entry under `key`, which must be held. */
function formOfKey(entries: ClockStore, key: string): number {
  const slot = entries.slotOf(key);
  expect(slot).not.toBe(-1);
  return entries.formOf(slot);
}

describe('ClockStore: the form kept with each entry', () => {
  it.each([0, 1, 2, 3, 127])('gives back form %i, before and after the entry is read', (form) => {
    const entries = store();
    entries.write('k', 'value', form, NEVER);
    expect(formOfKey(entries, 'k')).toBe(form);
    // A read sets the USED bit, which shares the byte with the form.
    expect(entries.use(entries.slotOf('k'))).toBe('value');
    expect(formOfKey(entries, 'k')).toBe(form);
  });

  it('keeps forms 0 to 3 apart for entries side by side', () => {
    const entries = store();
    for (const form of [0, 1, 2, 3]) entries.write(`k${form}`, form, form, NEVER);
    for (const form of [0, 1, 2, 3]) expect(formOfKey(entries, `k${form}`)).toBe(form);
  });

  it('updates the form when a key is overwritten, in the same slot', () => {
    const entries = store();
    entries.write('k', 'first', 3, NEVER);
    const slot = entries.slotOf('k');
    for (const form of [0, 2, 1, 3, 0]) {
      entries.write('k', `form ${form}`, form, NEVER);
      expect(entries.slotOf('k')).toBe(slot);
      expect(entries.formOf(slot)).toBe(form);
      expect(entries.use(slot)).toBe(`form ${form}`);
    }
  });

  it('keeps the form of an entry the clock hand passes over', () => {
    const entries = store(2);
    entries.write('read', 'a', 3, NEVER);
    entries.write('unread', 'b', 1, NEVER);
    entries.use(entries.slotOf('read'));
    // The hand clears the USED bit of 'read' and evicts 'unread'.
    entries.write('new', 'c', 2, NEVER);
    expect(entries.slotOf('unread')).toBe(-1);
    expect(formOfKey(entries, 'read')).toBe(3);
    expect(formOfKey(entries, 'new')).toBe(2);
  });

  it('gives a reused slot the form of the entry written into it, not the one before', () => {
    const entries = store(1);
    entries.write('old', 'a', 3, NEVER);
    const slot = entries.slotOf('old');
    entries.remove(slot);
    entries.write('freed', 'b', 0, NEVER);
    expect(entries.slotOf('freed')).toBe(slot);
    expect(entries.formOf(slot)).toBe(0);
    // And a slot taken by eviction.
    entries.write('evicting', 'c', 1, NEVER);
    expect(entries.slotOf('evicting')).toBe(slot);
    expect(entries.formOf(slot)).toBe(1);
  });
});

describe('ClockStore: the note kept with each value', () => {
  it('keeps a note until the value is overwritten, removed, evicted or cleared', () => {
    const entries = store(2);
    entries.write('a', 'first', 0, NEVER);
    const slot = entries.slotOf('a');
    expect(entries.noteOf(slot)).toBeUndefined();
    entries.setNote(slot, 'plan of first');
    entries.use(slot);
    expect(entries.noteOf(slot)).toBe('plan of first');
    entries.write('a', 'second', 0, NEVER);
    expect(entries.noteOf(entries.slotOf('a'))).toBeUndefined();

    entries.setNote(entries.slotOf('a'), 'plan of second');
    entries.remove(entries.slotOf('a'));
    entries.write('b', 'in the freed slot', 0, NEVER);
    expect(entries.noteOf(entries.slotOf('b'))).toBeUndefined();

    // Full (2 entries): a third key evicts one, whose slot it takes without its note.
    entries.write('c', 'other', 0, NEVER);
    for (const key of ['b', 'c']) entries.setNote(entries.slotOf(key), `plan of ${key}`);
    entries.write('d', 'evicting', 0, NEVER);
    expect(entries.noteOf(entries.slotOf('d'))).toBeUndefined();

    entries.clear();
    entries.write('e', 'after clear', 0, NEVER);
    expect(entries.noteOf(entries.slotOf('e'))).toBeUndefined();
  });

  it('notes a later slot while earlier ones stay without a note', () => {
    const entries = store();
    for (const key of ['a', 'b', 'c', 'd']) entries.write(key, key, 0, NEVER);
    entries.setNote(entries.slotOf('d'), 'plan of d');
    expect(['a', 'b', 'c'].map((key) => entries.noteOf(entries.slotOf(key)))).toStrictEqual([undefined, undefined, undefined]);
    expect(entries.noteOf(entries.slotOf('d'))).toBe('plan of d');
    entries.setNote(entries.slotOf('b'), 'plan of b');
    entries.write('d', 'rewritten', 0, NEVER);
    expect(entries.noteOf(entries.slotOf('b'))).toBe('plan of b');
    expect(entries.noteOf(entries.slotOf('d'))).toBeUndefined();
  });
});
