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
 * object or array are named `member`: `cloneWithMemberNoted` (clone-plan.ts) then clones it.
 */
export function holdsObjectsOnlyIn(value: unknown, member: string): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && key !== member && Object.hasOwn(value, key)) return false;
  }
  return true;
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
// room for 17 items; an object built key by key gets slots to spare), then replace the objects
// inside by their copies. Members are judged inline, not through `copy`: a `typeof` whose result is
// switched on, and `!==` between values of any kind, were builtin calls in optimized code.
function copyObject(value: object, depth: number): unknown {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const out = (value as readonly unknown[]).slice();
    for (let i = 0; i < out.length; i++) {
      const item = out[i];
      if (!isPlainLeaf(item)) {
        const copied = copyInner(item, depth + 1);
        if (copied === NOT_PLAIN) return NOT_PLAIN;
        out[i] = copied;
      }
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
    if (!isPlainLeaf(item)) {
      const copied = copyInner(item, depth + 1);
      if (copied === NOT_PLAIN) return NOT_PLAIN;
      out[key] = copied;
    }
  }
  return out;
}

/** Whether `item` is JSON data that a copy keeps as it is: a string, a boolean, null, a plain number. */
function isPlainLeaf(item: unknown): boolean {
  return typeof item === 'string' || typeof item === 'boolean' || item === null || (typeof item === 'number' && isPlainNumber(item));
}

/** The copy of an item that is not a plain leaf: an object or array at `depth`, else `NOT_PLAIN`. */
function copyInner(item: unknown, depth: number): unknown {
  return typeof item === 'object' && item !== null && depth < MAX_DEPTH ? copyObject(item, depth) : NOT_PLAIN;
}

/** What `copyMarkedValueOrNot` returns for a value not shaped `{ m: string, v }`. */
export const OTHER_SHAPE: unique symbol = Symbol('not shaped { m, v }');

/**
 * `copyPlainJsonOrNot` for a plain object of exactly two own members, `m` then `v` (the core's
 * plainest entry: a mark and the value), built as a literal: spreading it and asking for its symbol
 * keys (a runtime call) cost the memory miss path about a quarter of its copy. `OTHER_SHAPE` for
 * any other object (left to `copyPlainJsonOrNot`). Symbol-keyed members are left out, as JSON does.
 */
export function copyMarkedValueOrNot(value: object): unknown {
  if (Object.getPrototypeOf(value) !== Object.prototype) return OTHER_SHAPE;
  // Own enumerable string keys in order (what JSON takes): inherited ones never come in.
  const keys = Object.keys(value);
  if (keys.length !== 2 || keys[0] !== 'm' || keys[1] !== 'v') return OTHER_SHAPE;
  try {
    // Each member read once, in order, as a spread reads them.
    const { m, v } = value as { m: unknown; v: unknown };
    const mark = copy(m, 1);
    if (mark === NOT_PLAIN) return NOT_PLAIN;
    const copied = copy(v, 1);
    return copied === NOT_PLAIN ? NOT_PLAIN : { m: mark, v: copied };
  } catch {
    return NOT_PLAIN;
  }
}

/** `copyPlainJson`, or `NOT_PLAIN` where reading the value throws (a getter): left for the encoder to report. */
export function copyPlainJsonOrNot(value: unknown): unknown {
  try {
    return copyPlainJson(value);
  } catch {
    return NOT_PLAIN;
  }
}
