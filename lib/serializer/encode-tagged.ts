import { SerializationError } from '../errors';
import { MAX_DEPTH, TAG, TAG_KEY, TYPED_ARRAYS, setOwn } from './tag-codes';
import { formatPath, type PathStep } from './value-path';

/** What one encoding walk carries: the objects on the current path (for cycles) and the path itself. */
interface Walk {
  readonly ancestors: Set<object>;
  readonly path: PathStep[];
}

const UNDEFINED_TAG = Object.freeze({ [TAG_KEY]: TAG.undefined });

/**
 * Turns `value` into a tree that `JSON.stringify` can carry without loss: special values become
 * tag objects, user objects with a `"$"` member are escaped, class instances become plain objects
 * of their own enumerable properties. Throws `SerializationError` (with the path) for a function,
 * a symbol, a cycle or nesting deeper than `MAX_DEPTH`.
 */
export function encodeTagged(value: unknown): unknown {
  return toTagged(value, { ancestors: new Set(), path: [] }, 0);
}

function toTagged(value: unknown, walk: Walk, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { [TAG_KEY]: TAG.number, v: Object.is(value, -0) ? '-0' : String(value) };
    case 'bigint':
      return { [TAG_KEY]: TAG.bigint, v: value.toString() };
    case 'undefined':
      return UNDEFINED_TAG;
    case 'function':
      throw unstorable('a function', walk);
    case 'symbol':
      throw unstorable('a symbol', walk);
    default:
      return value === null ? null : objectToTagged(value as object, walk, depth);
  }
}

/** Encodes an object after the depth and cycle checks; containers are walked with the path kept. */
function objectToTagged(value: object, walk: Walk, depth: number): unknown {
  if (depth >= MAX_DEPTH) {
    throw new SerializationError(`cannot encode: value is nested more than ${MAX_DEPTH} levels deep at ${formatPath(walk.path)}`);
  }
  if (value instanceof Date) return { [TAG_KEY]: TAG.date, v: Number.isNaN(value.getTime()) ? null : value.getTime() };
  if (Buffer.isBuffer(value)) return { [TAG_KEY]: TAG.buffer, v: value.toString('base64') };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return typedArrayToTagged(value);
  if (value instanceof ArrayBuffer) return { [TAG_KEY]: TAG.arrayBuffer, v: Buffer.from(value).toString('base64') };
  if (walk.ancestors.has(value)) {
    throw new SerializationError(`cannot encode: value is cyclic (${formatPath(walk.path)} refers back to an object that contains it)`);
  }
  walk.ancestors.add(value);
  let tagged: unknown;
  if (Array.isArray(value)) tagged = arrayToTagged(value, walk, depth);
  else if (value instanceof Map) tagged = { [TAG_KEY]: TAG.map, v: mapToTagged(value, walk, depth) };
  else if (value instanceof Set) tagged = { [TAG_KEY]: TAG.set, v: setToTagged(value, walk, depth) };
  else tagged = plainToTagged(value as Record<string, unknown>, walk, depth);
  walk.ancestors.delete(value);
  return tagged;
}

function typedArrayToTagged(view: ArrayBufferView): unknown {
  const kind = (view as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
  return { [TAG_KEY]: TAG.typedArray, k: TYPED_ARRAYS.has(kind) ? kind : 'Uint8Array', v: bytes };
}

function arrayToTagged(array: readonly unknown[], walk: Walk, depth: number): unknown[] {
  const out = new Array<unknown>(array.length);
  for (let i = 0; i < array.length; i++) {
    walk.path.push(i);
    out[i] = toTagged(array[i], walk, depth + 1);
    walk.path.pop();
  }
  return out;
}

function mapToTagged(map: ReadonlyMap<unknown, unknown>, walk: Walk, depth: number): unknown[] {
  const out: unknown[] = [];
  for (const [key, item] of map) {
    const entry = out.length;
    walk.path.push({ entry, part: 'key' });
    const taggedKey = toTagged(key, walk, depth + 1);
    walk.path.pop();
    walk.path.push({ entry, mapKey: key, part: 'value' });
    out.push([taggedKey, toTagged(item, walk, depth + 1)]);
    walk.path.pop();
  }
  return out;
}

function setToTagged(set: ReadonlySet<unknown>, walk: Walk, depth: number): unknown[] {
  const out: unknown[] = [];
  for (const item of set) {
    walk.path.push({ entry: out.length, part: 'item' });
    out.push(toTagged(item, walk, depth + 1));
    walk.path.pop();
  }
  return out;
}

/** Own enumerable string keys only, as for class instances; an own `"$"` member is escaped. */
function plainToTagged(value: Record<string, unknown>, walk: Walk, depth: number): unknown {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    walk.path.push(key);
    setOwn(out, key, toTagged(value[key], walk, depth + 1));
    walk.path.pop();
  }
  return Object.hasOwn(value, TAG_KEY) ? { [TAG_KEY]: TAG.object, v: out } : out;
}

function unstorable(what: string, walk: Walk): SerializationError {
  return new SerializationError(`cannot encode ${what} at ${formatPath(walk.path)}: functions and symbols cannot be stored in a cache`);
}
