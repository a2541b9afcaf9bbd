/**
 * What `MemoryCache` keeps for a value it stores as a copy, and in which form, so that every read
 * rebuilds a copy of its own: plain JSON data copied as it is, anything else the default
 * serializer's decoded snapshot, or a custom serializer's text.
 */
import { cloneSnapshotUnpooled } from '../../serializer/clone-snapshot';
import { NOT_PLAIN, OTHER_SHAPE, copyMarkedValueOrNot, copyPlainJsonOrNot, holdsObjectsOnlyIn } from '../../serializer/plain-json-copy';
import { taggedJson } from '../../serializer/tagged-json';
import type { Codec } from '../shared/codec';

/** In tagged text, what a Buffer's tag starts with (a cheap test for "may hold a Buffer"). */
const BUFFER_TAG = '"$":"B"';

/** A value as kept in the store, and how to read it. */
export interface Kept {
  readonly stored: unknown;
  readonly form: Form;
  /** Its size for `maxBytes` (0 without it). */
  readonly bytes: number;
}

/** How a stored value is read (the entry's form in the `ClockStore`). */
export const enum Form {
  /** Returned as it is: a primitive, or any value with `copy: false`. */
  AsIs = 0,
  /** Plain JSON data, rebuilt on every read by `clonePlainJson`. */
  PlainCopy = 1,
  /** A decoded snapshot (Dates, Maps, Buffers...), rebuilt on every read by `cloneSnapshot`. */
  Snapshot = 2,
  /** Text of a custom serializer, decoded on every read. */
  Text = 3,
  /** Plain JSON data whose objects are all under `VALUE_MEMBER` (the core's entries), rebuilt by `cloneWithMemberNoted` (its value by a plan noted with the slot). */
  PlainEntry = 4,
}

/** The member under which the core's entries keep the cached value: the only one of theirs that holds an object (tag versions aside). */
export const VALUE_MEMBER = 'v';

/**
 * The copy to keep of `value` (an object, a function or a symbol). With the default serializer
 * (`snapshots`) plain JSON data is copied as it is, sharing its strings; anything else is encoded
 * (which refuses what a remote backend could not store and turns class instances into plain
 * objects) and the decoded result kept, so that a read is a clone instead of a `JSON.parse`
 * (several times faster). Any other serializer's text is kept and decoded on every read.
 */
export function copyToKeep(key: string, value: unknown, codec: Codec, snapshots: boolean): Kept {
  if (!snapshots) return { stored: codec.encode(key, value), form: Form.Text, bytes: 0 };
  // The core's entry of a plain value, { m, v }, has a copy of its own: the miss path's.
  const entry = typeof value === 'object' ? copyMarkedValueOrNot(value as object) : OTHER_SHAPE;
  if (entry !== OTHER_SHAPE && entry !== NOT_PLAIN) return { stored: entry, form: isObject((entry as { m: unknown }).m) ? Form.PlainCopy : Form.PlainEntry, bytes: 0 };
  const plain = entry === NOT_PLAIN ? NOT_PLAIN : copyPlainJsonOrNot(value);
  if (plain !== NOT_PLAIN) return { stored: plain, form: holdsObjectsOnlyIn(plain, VALUE_MEMBER) ? Form.PlainEntry : Form.PlainCopy, bytes: 0 };
  const text = codec.encode(key, value);
  const snapshot = taggedJson.decode(text);
  // The text is what `maxBytes` measures; it is at hand only here.
  return { stored: text.includes(BUFFER_TAG) ? cloneSnapshotUnpooled(snapshot) : snapshot, form: Form.Snapshot, bytes: Buffer.byteLength(text) };
}

/** The bytes of a kept value's encoded form: its text, plain data's JSON, a primitive's text. */
export function measure(kept: Kept): number {
  const { stored, form } = kept;
  if (form === Form.Snapshot) return kept.bytes;
  if (form === Form.Text) return Buffer.byteLength(stored as string);
  if (form === Form.PlainCopy || form === Form.PlainEntry) return Buffer.byteLength(JSON.stringify(stored));
  return typeof stored === 'string' ? Buffer.byteLength(stored) : String(stored).length;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}
