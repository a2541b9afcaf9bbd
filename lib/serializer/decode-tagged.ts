import { SerializationError } from '../errors';
import { MAX_DEPTH, SPECIAL_NUMBERS, TAG, TAG_KEY, TYPED_ARRAYS, setOwn } from './tag-codes';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INTEGER = /^-?\d+$/;

/**
 * Rebuilds a value from the tree that `JSON.parse` made of tagged text. Works in place on that
 * fresh tree (it belongs to nobody else), builds only Date, BigInt, Map, Set, Buffer and typed
 * arrays, and throws `SerializationError` for anything it did not write.
 */
export function decodeTagged(node: unknown): unknown {
  return fromTagged(node, 0);
}

function fromTagged(node: unknown, depth: number): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (depth >= MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = fromTagged(node[i], depth + 1);
    return node;
  }
  const record = node as Record<string, unknown>;
  return Object.hasOwn(record, TAG_KEY) ? fromTag(record, depth) : decodeMembers(record, depth);
}

/** Decodes the members of an object that JSON.parse made (so every key is an own data property). */
function decodeMembers(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  for (const key of Object.keys(record)) setOwn(record, key, fromTagged(record[key], depth + 1));
  return record;
}

function fromTag(tag: Record<string, unknown>, depth: number): unknown {
  const v = tag.v;
  switch (tag[TAG_KEY]) {
    case TAG.undefined:
      return undefined;
    case TAG.number: {
      const number = typeof v === 'string' ? SPECIAL_NUMBERS.get(v) : undefined;
      if (number === undefined) throw malformed('a number tag holds no known special number');
      return number;
    }
    case TAG.bigint:
      if (typeof v !== 'string' || !INTEGER.test(v)) throw malformed('a bigint tag holds no integer');
      return BigInt(v);
    case TAG.date:
      if (v !== null && typeof v !== 'number') throw malformed('a date tag holds no time');
      return new Date(v ?? NaN);
    case TAG.buffer:
      return bytesOf(v);
    case TAG.typedArray:
      return typedArrayOf(tag.k, v);
    case TAG.arrayBuffer:
      return copyToArrayBuffer(bytesOf(v));
    case TAG.map:
      return new Map(entriesOf(v, depth));
    case TAG.set:
      return new Set(itemsOf(v, depth));
    case TAG.object:
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw malformed('an escaped object holds no object');
      return decodeMembers(v as Record<string, unknown>, depth);
    default:
      throw malformed(`unknown tag ${JSON.stringify(tag[TAG_KEY])}`);
  }
}

function bytesOf(v: unknown): Buffer {
  if (typeof v !== 'string' || !BASE64.test(v)) throw malformed('a bytes tag holds no base64 text');
  return Buffer.from(v, 'base64');
}

/** A fresh ArrayBuffer of its own: Buffer.from may hand out a slice of a shared pool. */
function copyToArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

function typedArrayOf(kind: unknown, v: unknown): ArrayBufferView {
  const Constructor = typeof kind === 'string' ? TYPED_ARRAYS.get(kind) : undefined;
  if (Constructor === undefined) throw malformed(`unknown typed array ${JSON.stringify(kind)}`);
  const bytes = bytesOf(v);
  if (bytes.byteLength % Constructor.BYTES_PER_ELEMENT !== 0) throw malformed(`${String(kind)} bytes of a wrong length`);
  return new Constructor(copyToArrayBuffer(bytes));
}

function entriesOf(v: unknown, depth: number): Array<[unknown, unknown]> {
  if (!Array.isArray(v)) throw malformed('a map tag holds no entries');
  return v.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length !== 2) throw malformed('a map entry is not a pair');
    return [fromTagged(entry[0], depth + 1), fromTagged(entry[1], depth + 1)];
  });
}

function itemsOf(v: unknown, depth: number): unknown[] {
  if (!Array.isArray(v)) throw malformed('a set tag holds no items');
  return v.map((item: unknown) => fromTagged(item, depth + 1));
}

function malformed(reason: string): SerializationError {
  return new SerializationError(`cannot decode: the text is not easy-cache tagged JSON (${reason})`);
}
