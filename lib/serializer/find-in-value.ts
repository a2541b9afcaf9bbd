import { MAX_DEPTH } from './tag-codes';
import { formatPath, type PathStep } from './value-path';

/** Something found inside a value, and the user's path to it (`value.user.cb`, `value[0].cb`). */
export interface FoundInValue {
  /** What was found: `a function`, `a symbol`, `an instance of User`. */
  readonly what: string;
  readonly path: string;
}

type Test = (item: unknown) => string | undefined;

/**
 * The first class instance in `value` whose prototype the default serializer drops (it comes back
 * as a plain object of its own properties): any object that is not a plain object, an array, a
 * Date, a Map, a Set, a Buffer, a typed array or an ArrayBuffer.
 * @example findLostPrototype({ owner: new User() }) // { what: 'an instance of User', path: 'value.owner' }
 */
export function findLostPrototype(value: unknown): FoundInValue | undefined {
  // The common case (plain data) answers from a walk that allocates nothing but the cycle guard.
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    if (!holdsInstance(value, new Set(), 0)) return undefined;
  } catch {
    // A getter that throws: the encoder reports it when it meets it.
    return undefined;
  }
  return find(value, lostPrototype);
}

/** Whether `item` (an object) is or holds a class instance; a cheaper `find(item, lostPrototype) !== undefined`. */
function holdsInstance(item: object, ancestors: Set<object>, depth: number): boolean {
  const proto: unknown = Object.getPrototypeOf(item);
  if (proto === Array.prototype) {
    if (depth >= MAX_DEPTH || ancestors.has(item)) return false;
    ancestors.add(item);
    const array = item as readonly unknown[];
    for (let i = 0; i < array.length; i++) {
      const child = array[i];
      if (typeof child === 'object' && child !== null && holdsInstance(child, ancestors, depth + 1)) return true;
    }
    ancestors.delete(item);
    return false;
  }
  if (proto !== Object.prototype && proto !== null) return !keepsItsKind(item) || (item instanceof Map || item instanceof Set ? find(item, lostPrototype) !== undefined : false);
  if (depth >= MAX_DEPTH || ancestors.has(item)) return false;
  ancestors.add(item);
  const record = item as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    if (typeof child === 'object' && child !== null && Object.hasOwn(record, key) && holdsInstance(child, ancestors, depth + 1)) return true;
  }
  ancestors.delete(item);
  return false;
}

/**
 * The first function or symbol in `value`: what no serializer of a remote store can carry.
 * @example findUnstorable([{ cb: () => 1 }]) // { what: 'a function', path: 'value[0].cb' }
 */
export function findUnstorable(value: unknown): FoundInValue | undefined {
  return find(value, unstorable);
}

function lostPrototype(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || keepsItsKind(item)) return undefined;
  const proto: unknown = Object.getPrototypeOf(item);
  if (proto === Object.prototype || proto === null) return undefined;
  const name: unknown = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an object of an unknown class';
}

function unstorable(item: unknown): string | undefined {
  if (typeof item === 'function') return 'a function';
  return typeof item === 'symbol' ? 'a symbol' : undefined;
}

/** The kinds the default serializer brings back as they were (see tagged-json.ts). */
function keepsItsKind(item: object): boolean {
  return Array.isArray(item) || item instanceof Date || item instanceof Map || item instanceof Set || ArrayBuffer.isView(item) || item instanceof ArrayBuffer;
}

/** Depth first, in the order the encoder walks; cycles and data deeper than the encoder goes are not entered. */
function find(root: unknown, test: Test): FoundInValue | undefined {
  const path: PathStep[] = [];
  const ancestors = new Set<object>();
  const visit = (item: unknown, depth: number): string | undefined => {
    const found = test(item);
    if (found !== undefined) return found;
    if (typeof item !== 'object' || item === null || depth >= MAX_DEPTH || ancestors.has(item) || ArrayBuffer.isView(item)) return undefined;
    ancestors.add(item);
    const inside = visitChildren(item, (step, child) => {
      path.push(step);
      const result = visit(child, depth + 1);
      if (result === undefined) path.pop();
      return result;
    });
    ancestors.delete(item);
    return inside;
  };
  try {
    const what = visit(root, 0);
    return what === undefined ? undefined : { what, path: formatPath(path) };
  } catch {
    // A getter that throws: the encoder reports it when it meets it.
    return undefined;
  }
}

/** Calls `each` on every child of `item` until one answers; what the encoder stores of it only. */
function visitChildren(item: object, each: (step: PathStep, child: unknown) => string | undefined): string | undefined {
  if (item instanceof Date || item instanceof ArrayBuffer) return undefined;
  if (Array.isArray(item)) {
    for (let i = 0; i < item.length; i++) {
      const found = each(i, item[i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (item instanceof Map) {
    let entry = 0;
    for (const [key, child] of item) {
      const found = each({ entry, part: 'key' }, key) ?? each({ entry, mapKey: key, part: 'value' }, child);
      if (found !== undefined) return found;
      entry++;
    }
    return undefined;
  }
  if (item instanceof Set) {
    let entry = 0;
    for (const child of item) {
      const found = each({ entry: entry++, part: 'item' }, child);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const record = item as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const found = each(key, record[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
