/** Longest rendering kept in a message; longer text is cut with an ellipsis. */
const MAX_CHARS = 60;

/**
 * A short, readable rendering of a received value for error messages: strings quoted, numbers
 * as they print, JSON data as JSON, and an object that JSON would misrender (one holding
 * functions, a class instance) by its kind. Never throws, even for cycles or BigInts.
 * @example describeValue('soon') // '"soon"'
 * @example describeValue({ encode: String }) // 'an object'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_CHARS ? `${value.slice(0, MAX_CHARS)}…` : value);
  if (typeof value === 'function') return `a function ${value.name || '(anonymous)'}`;
  if (typeof value === 'symbol' || typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  if (value !== null && !isJsonData(value)) return kindOf(value);
  try {
    const text = JSON.stringify(value);
    return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * `a Point`, `an object without prototype`: the kind of an object, named by its class.
 * @example kindOf(new Map()) // 'a Map'
 */
export function kindOf(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return 'an object without prototype';
  if (proto === Object.prototype) return 'an object';
  const name: unknown = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== 'string' || name === '') return 'an object of an unknown class';
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** Whether JSON shows `value` faithfully at its top level: an array or a plain object without functions. */
function isJsonData(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  // JSON.stringify silently drops function members, so `{ encode }` would print as `{}`.
  return (proto === Object.prototype || proto === null) && !Object.values(value).some((member) => typeof member === 'function');
}
