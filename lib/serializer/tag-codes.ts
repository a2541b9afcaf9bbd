/**
 * The vocabulary shared by the tagged encoder and decoder. In tagged text, a JSON object with an
 * own `"$"` member is a tag; a user object that has a `"$"` member of its own is escaped as the
 * `OBJECT` tag, so no user data can pass for a tag.
 */

/** The member that marks a tag object. */
export const TAG_KEY = '$';

/** One letter per kind of value that plain JSON cannot carry. */
export const TAG = {
  undefined: 'u',
  number: 'n',
  bigint: 'b',
  date: 'd',
  buffer: 'B',
  typedArray: 'T',
  arrayBuffer: 'A',
  map: 'm',
  set: 's',
  object: 'o',
} as const;

/**
 * Nesting deeper than this is refused on encode and on decode, so hostile or runaway data gives a
 * `SerializationError` instead of a stack overflow.
 */
export const MAX_DEPTH = 1000;

/** A typed-array constructor the serializer knows by name. */
export interface TypedArrayConstructor {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBuffer): ArrayBufferView;
}

/**
 * Typed arrays by their `Symbol.toStringTag`. Bytes are stored in platform order (little-endian on
 * every platform Node supports).
 */
export const TYPED_ARRAYS: ReadonlyMap<string, TypedArrayConstructor> = new Map<string, TypedArrayConstructor>([
  ['Uint8Array', Uint8Array],
  ['Uint8ClampedArray', Uint8ClampedArray],
  ['Int8Array', Int8Array],
  ['Uint16Array', Uint16Array],
  ['Int16Array', Int16Array],
  ['Uint32Array', Uint32Array],
  ['Int32Array', Int32Array],
  ['Float32Array', Float32Array],
  ['Float64Array', Float64Array],
  ['BigInt64Array', BigInt64Array],
  ['BigUint64Array', BigUint64Array],
]);

/** The non-finite numbers and -0, by the text they are stored as. */
export const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

/** Sets `obj[key]` as an own data property, even for `"__proto__"`, so decoding can never change a prototype. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
