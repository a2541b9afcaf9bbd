import { types } from 'node:util';
import { CacheKeyError } from '../errors';

// Deeper nesting than this in a key is a mistake, and it must not end in a stack overflow.
const MAX_DEPTH = 100;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const toStringTag = Object.prototype.toString;

/**
 * The one escaping used in every key, tag and prefix value and every `createCacheKey` part:
 * `%` becomes `%25` and the delimiter `:` becomes `%3A`, so a value can never add a part to a
 * key. Text without either comes back unchanged (the same string).
 * @example escapeKeyPart('1:2') // '1%3A2'
 */
export function escapeKeyPart(text: string): string {
  if (text.indexOf(':') === -1 && text.indexOf('%') === -1) return text;
  return text.replace(/[%:]/g, (char) => (char === '%' ? '%25' : '%3A'));
}

/**
 * The deterministic text of one value in a key, escaped: strings as they are; numbers, bigints
 * and booleans by `String`; `null` and `undefined` by name; a `Date` as ISO text; arrays, plain
 * objects, class instances, `Map` and `Set` as sorted JSON-like text (see docs/keys.md).
 * @param parameter - the parameter the value came from, named by a `CacheKeyError`.
 * @throws CacheKeyError for a function or symbol anywhere in the value, a cycle, or nesting deeper than 100.
 * @example renderValue({ b: 1, a: [true] }, 'filter') // '{"a":[true],"b":1}'
 */
export function renderValue(value: unknown, parameter: string): string {
  return renderValueAt(value, parameter, parameter);
}

/**
 * `renderValue` where the value sits at `path` inside the parameter (`user.profile` for the
 * placeholder `{user.profile}`), so errors point at the exact place.
 */
export function renderValueAt(value: unknown, parameter: string, path: string, subject?: string): string {
  switch (typeof value) {
    case 'string':
      return escapeKeyPart(value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'function':
    case 'symbol':
      throw unrenderable({ parameter, subject }, path, `is a ${typeof value}`);
    default:
      if (value === null) return 'null';
      try {
        if (types.isDate(value)) return escapeKeyPart(dateText(value));
        return escapeKeyPart(renderNested(value, { parameter, subject, ancestors: new Set() }, path, 0));
      } catch (error) {
        // A getter or a Proxy trap of the caller's value threw: say which parameter, keep the cause.
        if (error instanceof CacheKeyError) throw error;
        throw unrenderable({ parameter, subject }, path, `could not be read (${error instanceof Error ? error.message : String(error)})`, error);
      }
  }
}

interface NestedContext {
  readonly parameter: string;
  /** Who holds the value, for messages, when not `parameter "<parameter>"`: `part 1 of createCacheKey()`. */
  readonly subject: string | undefined;
  /** The objects on the path from the top value to the current one, for cycle detection. */
  readonly ancestors: Set<object>;
}

/** A value inside an object or array: JSON where JSON can say it, bare words where it cannot. */
function renderNested(value: unknown, context: NestedContext, path: string, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
    case 'symbol':
      throw unrenderable(context, path, `is a ${typeof value}`);
    default:
      if (value === null) return 'null';
      if (types.isDate(value)) return `Date(${dateText(value)})`;
      if (types.isRegExp(value)) return String(value);
      if (types.isBoxedPrimitive(value)) return renderBoxed(value, context, path, depth);
      return renderObject(value as object, context, path, depth);
  }
}

/**
 * A boxed primitive (`new Number(10)`, `Object(10n)`) as its kind and value, `Number(10)`: it has
 * no own properties, so as an object it would render `{}` like every other one. The value is read
 * with the prototype's own `valueOf`, never one the caller's object supplies.
 */
function renderBoxed(value: object, context: NestedContext, path: string, depth: number): string {
  let inner: unknown;
  if (types.isNumberObject(value)) inner = Number.prototype.valueOf.call(value);
  else if (types.isStringObject(value)) inner = String.prototype.valueOf.call(value);
  else if (types.isBooleanObject(value)) inner = Boolean.prototype.valueOf.call(value);
  else if (types.isBigIntObject(value)) inner = BigInt.prototype.valueOf.call(value);
  else throw unrenderable(context, path, 'is a symbol');
  const kind = typeof inner === 'bigint' ? 'BigInt' : typeof inner === 'number' ? 'Number' : typeof inner === 'string' ? 'String' : 'Boolean';
  return `${kind}(${renderNested(inner, context, path, depth + 1)})`;
}

/** Arrays, typed arrays, Maps, Sets and other objects, with cycle and depth checks. */
function renderObject(value: object, context: NestedContext, path: string, depth: number): string {
  if (context.ancestors.has(value)) throw unrenderable(context, path, 'refers back to an object that contains it (a cycle)');
  if (depth >= MAX_DEPTH) throw unrenderable(context, path, `is nested deeper than ${MAX_DEPTH} levels`);
  context.ancestors.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = renderList(value, context, path, depth);
  } else if (types.isMap(value)) {
    const entries: string[] = [];
    Map.prototype.forEach.call(value, (entryValue: unknown, key: unknown) => {
      const at = `${path}<Map entry>`;
      entries.push(`[${renderNested(key, context, at, depth + 1)},${renderNested(entryValue, context, at, depth + 1)}]`);
    });
    text = `Map[${entries.sort().join(',')}]`;
  } else if (types.isSet(value)) {
    const elements: string[] = [];
    Set.prototype.forEach.call(value, (element: unknown) => {
      elements.push(renderNested(element, context, `${path}<Set element>`, depth + 1));
    });
    text = `Set[${elements.sort().join(',')}]`;
  } else if (ArrayBuffer.isView(value) && !types.isDataView(value)) {
    const tag = toStringTag.call(value).slice(8, -1);
    text = `${tag}[${Array.prototype.join.call(value, ',')}]`;
  } else {
    text = renderProperties(value as Record<string, unknown>, context, path, depth);
  }
  context.ancestors.delete(value);
  return text;
}

/** An array, holes rendered like `undefined`. */
function renderList(list: readonly unknown[], context: NestedContext, path: string, depth: number): string {
  let text = '[';
  for (let i = 0; i < list.length; i += 1) {
    if (i > 0) text += ',';
    text += renderNested(list[i], context, `${path}[${i}]`, depth + 1);
  }
  return `${text}]`;
}

/** Own enumerable string-keyed properties in sorted order, as JSON members. */
function renderProperties(object: Record<string, unknown>, context: NestedContext, path: string, depth: number): string {
  const keys = Object.keys(object).sort();
  let text = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    if (i > 0) text += ',';
    const at = IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    text += `${JSON.stringify(key)}:${renderNested(object[key], context, at, depth + 1)}`;
  }
  return `${text}}`;
}

/** ISO text of a valid date, `Invalid Date` otherwise. */
function dateText(date: Date): string {
  return Number.isNaN(Date.prototype.getTime.call(date)) ? 'Invalid Date' : Date.prototype.toISOString.call(date);
}

function unrenderable(source: { parameter: string; subject: string | undefined }, path: string, problem: string, cause?: unknown): CacheKeyError {
  return new CacheKeyError(
    `${source.subject ?? `parameter "${source.parameter}"`} cannot be part of a key: ${path} ${problem}; a key can hold strings, numbers, ` +
      'bigints, booleans, null, undefined, dates, arrays, objects, Maps and Sets (use a key function to choose what goes in the key)',
    { parameter: source.parameter, cause },
  );
}
