import { MAX_DEPTH } from './tag-codes';

/** What `copyPlainJson` returns for a value that is not plain JSON data. */
export const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * A deep copy of `value` when it is plain JSON data: strings, booleans, null, finite numbers other
 * than -0, arrays without holes or `undefined`, and objects whose prototype is `Object.prototype`
 * or `null` (own enumerable string keys only, as `JSON.stringify` takes them). The copy equals
 * `JSON.parse(JSON.stringify(value))` (objects come back with `Object.prototype`, an own
 * `"__proto__"` member stays an own data property) but shares its strings with `value`: strings
 * are immutable, and a copy through JSON text would hold a second copy of each.
 * Anything else (a Date, a class instance, a function, deeper than 1000 levels) gives `NOT_PLAIN`.
 * A getter that throws throws.
 *
 * @example
 * const copy = copyPlainJson({ name: 'Ada', roles: ['admin'] }); // a new object and array, the same strings
 */
export function copyPlainJson(value: unknown): unknown {
  return copy(value, 0);
}

/**
 * A deep copy of an object or array that `copyPlainJson` returned: only plain objects and arrays
 * are rebuilt, with no checks of kind or depth (the data was checked when it was copied in).
 * Primitives need no copy and must not be passed.
 */
export function clonePlainJson(value: object): object {
  if (Array.isArray(value)) {
    const clone = value.slice();
    for (let i = 0; i < clone.length; i++) {
      const item: unknown = clone[i];
      if (typeof item === 'object' && item !== null) clone[i] = clonePlainJson(item);
    }
    return clone;
  }
  // Spread is V8's fastest shallow copy of a same-shaped object and defines (never assigns) each
  // member; for-in over a fast-mode object then reads V8's enum cache.
  const clone: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in clone) {
    const item = clone[key];
    if (typeof item === 'object' && item !== null && Object.hasOwn(clone, key)) clone[key] = clonePlainJson(item);
  }
  return clone;
}

/**
 * `clonePlainJson` for a value as a backend keeps it, with its top level copied by code of its
 * own. Under the core that level is a cache entry (a handful of shapes) while the levels below
 * take every shape the application caches: sharing one spread site with them, the entries made
 * it megamorphic, and a memory hit spent about a third of its time cloning.
 */
export function cloneStoredPlainJson(value: object): object {
  if (Array.isArray(value)) return clonePlainJson(value);
  const clone: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in clone) {
    const item = clone[key];
    if (typeof item === 'object' && item !== null && Object.hasOwn(clone, key)) clone[key] = clonePlainJson(item);
  }
  return clone;
}

/**
 * Whether `value` (as `copyPlainJson` returned it) is an object whose only members holding an
 * object or array are named `member`: `cloneWithMember(value, member)` then clones it.
 */
export function holdsObjectsOnlyIn(value: unknown, member: string): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && key !== member && Object.hasOwn(value, key)) return false;
  }
  return true;
}

/**
 * `cloneStoredPlainJson` for a value that `holdsObjectsOnlyIn(value, member)`: its top level is
 * spread and only `member` cloned, with no walk over the other members. A cache entry of the core
 * keeps every object under one member (the value), and the walk cost a memory hit about 13 ns.
 */
export function cloneWithMember(value: object, member: string): object {
  const clone: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const item = clone[member];
  if (typeof item === 'object' && item !== null) clone[member] = clonePlainJson(item);
  return clone;
}

/** Whether JSON carries `value` unchanged: a finite number other than -0. */
export function isPlainNumber(value: number): boolean {
  return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
}

function copy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return isPlainNumber(value) ? value : NOT_PLAIN;
    case 'object':
      if (value === null) return null;
      return depth < MAX_DEPTH ? copyObject(value, depth) : NOT_PLAIN;
    default:
      return NOT_PLAIN;
  }
}

// Copies start from `slice()` and spread, which size them exactly (an array grown by push keeps
// room for 17 items; an object built key by key gets slots to spare), then replace what differs.
function copyObject(value: object, depth: number): unknown {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const out = (value as readonly unknown[]).slice();
    for (let i = 0; i < out.length; i++) {
      const item = out[i];
      const copied = item === undefined ? NOT_PLAIN : copy(item, depth + 1);
      if (copied === NOT_PLAIN) return NOT_PLAIN;
      if (copied !== item) out[i] = copied;
    }
    return out;
  }
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  // Spread reads each getter once and defines own data properties (an own "__proto__" included).
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  // JSON leaves symbol-keyed members out; the encoder does that.
  if (Object.getOwnPropertySymbols(out).length > 0) return NOT_PLAIN;
  for (const key in out) {
    // for-in also walks enumerable members a library added to Object.prototype; JSON does not.
    if (!Object.hasOwn(out, key)) continue;
    const item = out[key];
    const copied = copy(item, depth + 1);
    if (copied === NOT_PLAIN) return NOT_PLAIN;
    if (copied !== item) out[key] = copied;
  }
  return out;
}

/** `copyPlainJson`, or `NOT_PLAIN` where reading the value throws (a getter): left for the encoder to report. */
export function copyPlainJsonOrNot(value: unknown): unknown {
  try {
    return copyPlainJson(value);
  } catch {
    return NOT_PLAIN;
  }
}
