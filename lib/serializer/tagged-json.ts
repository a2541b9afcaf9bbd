import { SerializationError } from '../errors';
import { decodeTagged } from './decode-tagged';
import { encodeTagged } from './encode-tagged';
import { MAX_DEPTH } from './tag-codes';
import { isPlainNumber } from './plain-json-copy';
import type { Serializer } from './serializer';

/** Starts text whose body is the value as plain JSON: nothing in it is read as a tag. */
const PLAIN_MARK = 'ec1j:';
/** Starts text whose body is tagged JSON (see tag-codes.ts). */
const TAGGED_MARK = 'ec1t:';
const MARK_LENGTH = 5;

/**
 * The default serializer: JSON behind a version mark, with tags for what JSON cannot carry.
 *
 * Round-trips `undefined` (also nested), `null`, `NaN`, `-0`, `Infinity`, `Date` (invalid ones
 * too), `BigInt`, `Map`, `Set`, `Buffer` (as `Buffer`), `Uint8Array` and the other typed arrays,
 * `ArrayBuffer`, nested plain objects and arrays, and any string, lone surrogates included. Class
 * instances come back as plain objects of their own enumerable properties; symbol-keyed members
 * are left out, as JSON does. A function, a symbol, a cycle or nesting deeper than 1000 levels is
 * a `SerializationError` that names where it is (`value.user.tags[2]`).
 *
 * A value with none of those special values (the common case) is written as plain
 * `JSON.stringify` output behind the mark and read back with one `JSON.parse`. `decode` never
 * runs code from the text; it refuses text without one of its marks, and a `"__proto__"` member
 * in stored data comes back as an own data property, never as a prototype.
 *
 * @example
 * const text = taggedJson.encode({ at: new Date(0), ids: new Set([1, 2]) });
 * taggedJson.decode(text); // { at: Date(0), ids: Set {1, 2} }
 */
export const taggedJson: Serializer = Object.freeze({
  encode(value: unknown): string {
    try {
      if (isPlainJson(value, 0)) return PLAIN_MARK + JSON.stringify(value);
      return TAGGED_MARK + JSON.stringify(encodeTagged(value));
    } catch (error) {
      if (error instanceof SerializationError) throw error;
      // A getter that throws, or a toJSON-less exotic object that JSON.stringify refuses.
      throw new SerializationError(`cannot encode value: ${errorText(error)}`, { cause: error });
    }
  },

  decode(text: string): unknown {
    if (typeof text !== 'string') {
      throw new SerializationError(`cannot decode: expected text, received ${text === null ? 'null' : typeof text}`);
    }
    if (text.startsWith(PLAIN_MARK)) return parse(text);
    if (text.startsWith(TAGGED_MARK)) return decodeTagged(parse(text));
    throw new SerializationError(
      `cannot decode: the text does not start with "${PLAIN_MARK}" or "${TAGGED_MARK}", so easy-cache did not write it (starts with ${JSON.stringify(text.slice(0, 12))})`,
    );
  },
});

/**
 * Whether JSON.stringify/parse alone round-trip `value`: only strings, booleans, null, finite
 * numbers other than -0, arrays without holes or undefined, and objects whose prototype is
 * Object.prototype or null. Past MAX_DEPTH (a cycle, or very deep data) it answers false and lets
 * the tagged encoder give the precise error.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return isPlainNumber(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const array = value as readonly unknown[];
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      if (item === undefined || !isPlainJson(item, depth + 1)) return false;
    }
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!isPlainJson(record[key], depth + 1)) return false;
  }
  return true;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text.slice(MARK_LENGTH));
  } catch (error) {
    throw new SerializationError(`cannot decode: the text after the mark is not JSON (${errorText(error)})`, { cause: error });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
