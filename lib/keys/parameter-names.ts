import { CacheConfigError } from '../errors';
import { readLiteralDefault, unescapeSource, type LiteralDefault } from './literal-default';
import { readOwn } from './read-own';
import { nesting, SourceTokens, type SourceToken } from './source-tokens';


/** A property of a destructured object parameter, named by its key in the argument object. */
export interface DestructuredProperty {
  readonly name: string;
  readonly literalDefault?: LiteralDefault;
}

/** One declared parameter of a function. */
export interface Parameter {
  /** The parameter's name; `''` for a destructured (object or array) parameter. */
  readonly name: string;
  /** Position in the argument list. */
  readonly index: number;
  readonly rest: boolean;
  readonly literalDefault?: LiteralDefault;
  /** For a destructured object parameter `{ id, page = 1 }`: its property names (they become names). */
  readonly properties?: readonly DestructuredProperty[];
}

/** What a function declares, as far as keys need it. */
export interface FunctionSignature {
  readonly parameters: readonly Parameter[];
  readonly hasRest: boolean;
  /** Every name usable in a template: plain names and destructured property names. */
  readonly names: readonly string[];
}

// Native, bound and unreadable functions: the declared parameters are unknown, so positions stay open.
const UNKNOWN_SIGNATURE: FunctionSignature = Object.freeze({ parameters: Object.freeze([]), hasRest: true, names: Object.freeze([]) });
const NATIVE_BODY = /\{\s*\[native code\]\s*\}\s*$/;
const NAME = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;

/**
 * Reads the parameters of `fn` once from its source: plain, defaulted, rest and destructured
 * parameters of functions, arrows, async and generator functions, class methods, getters and
 * setters, comments and strings included. `argNames` replaces what the source says (for native,
 * bound or minified functions); a last entry written `...name` is a rest parameter. Where neither
 * tells, the signature is empty (no names, positions open) and the template compiler reports
 * any name it needs.
 * @param label - names the owner in messages, e.g. `cached(getUser)`.
 * @throws CacheConfigError (option `argNames`) for an entry that is not a parameter name, or a duplicate.
 * @example readSignature((id: number, page = 1) => id).names // ['id', 'page']
 */
export function readSignature(
  fn: (...args: never[]) => unknown,
  argNames?: readonly string[],
  label = `cached(${typeof fn === 'function' && fn.name ? fn.name : 'anonymous'})`,
): FunctionSignature {
  if (argNames !== undefined) return signatureFromNames(argNames, label);
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return UNKNOWN_SIGNATURE;
  }
  if (NATIVE_BODY.test(source)) return UNKNOWN_SIGNATURE;
  try {
    const parameters = readParameters(source);
    return parameters === undefined ? UNKNOWN_SIGNATURE : makeSignature(parameters);
  } catch {
    // Source this reader cannot follow is treated like native code rather than failing the wrap.
    return UNKNOWN_SIGNATURE;
  }
}

/**
 * `meta.callArgs`: parameter name to value, with literal defaults filled in for missing or
 * `undefined` arguments, also for the properties of destructured parameters; a rest parameter
 * maps to the array of its arguments.
 */
export function buildCallArgs(signature: FunctionSignature, args: readonly unknown[]): Record<string, unknown> {
  const callArgs: Record<string, unknown> = {};
  for (const parameter of signature.parameters) {
    if (parameter.name === '') continue;
    const value = parameter.rest ? args.slice(parameter.index) : args[parameter.index];
    assign(callArgs, parameter.name, value === undefined ? parameter.literalDefault?.value : value);
  }
  // Property names come second: a plain parameter of the same name wins, as in templates.
  for (const parameter of signature.parameters) {
    for (const property of parameter.properties ?? []) {
      const value = readOwn(args[parameter.index], property.name);
      assign(callArgs, property.name, value === undefined ? property.literalDefault?.value : value);
    }
  }
  return callArgs;
}

/** Sets `name` unless a parameter took it already; `__proto__` is defined, never assigned. */
function assign(target: Record<string, unknown>, name: string, value: unknown): void {
  if (Object.prototype.hasOwnProperty.call(target, name)) return;
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A short description of a parameter for messages: its name, `{ a, b }`, or its position. */
export function describeParameter(parameter: Parameter): string {
  if (parameter.name !== '') return parameter.name;
  if (parameter.properties !== undefined) return `{ ${parameter.properties.map((p) => p.name).join(', ')} }`;
  return `argument ${parameter.index}`;
}

function makeSignature(parameters: readonly Parameter[]): FunctionSignature {
  const names = new Set<string>();
  for (const parameter of parameters) {
    if (parameter.name !== '') names.add(parameter.name);
    for (const property of parameter.properties ?? []) names.add(property.name);
  }
  return Object.freeze({
    parameters: Object.freeze([...parameters]),
    hasRest: parameters.some((parameter) => parameter.rest),
    names: Object.freeze([...names]),
  });
}

function signatureFromNames(argNames: readonly string[], label: string): FunctionSignature {
  if (!Array.isArray(argNames)) {
    throw new CacheConfigError(`${label} option "argNames" must be a list of parameter names`, { option: 'argNames', received: argNames });
  }
  const seen = new Set<string>();
  const parameters = argNames.map((entry: unknown, index): Parameter => {
    const rest = typeof entry === 'string' && entry.startsWith('...') && index === argNames.length - 1;
    const name = typeof entry === 'string' && rest ? entry.slice(3) : entry;
    if (typeof name !== 'string' || !NAME.test(name) || seen.has(name)) {
      const problem = typeof name === 'string' && seen.has(name) ? 'repeats a name' : 'is not a parameter name';
      throw new CacheConfigError(
        `${label} option "argNames": entry ${index} (${JSON.stringify(entry) ?? String(entry)}) ${problem}; ` +
          'names are unique identifiers (letters, digits, _ and $, not starting with a digit), and only the last may be written "...name"',
        { option: 'argNames', received: argNames },
      );
    }
    seen.add(name);
    return { name, index, rest };
  });
  return makeSignature(parameters);
}

/** The parameters declared in `source`, or `undefined` when it declares none that can be read. */
function readParameters(source: string): Parameter[] | undefined {
  const lookahead = new SourceTokens(source);
  const first = lookahead.next();
  const second = lookahead.next();
  if (first === undefined || (first.text === 'class' && second?.text !== '(')) return undefined;
  // `x => ...` and `async x => ...`: the only forms without a parenthesised list.
  if (first.kind === 'identifier' && second?.text === '=>') return [{ name: first.text, index: 0, rest: false }];
  if (first.text === 'async' && second?.kind === 'identifier' && second.text !== 'function' && lookahead.next()?.text === '=>') {
    return [{ name: second.text, index: 0, rest: false }];
  }
  // Every other form has its list at the first `(` outside a computed member name `[...]`.
  const tokens = new SourceTokens(source);
  let depth = 0;
  for (let token = tokens.next(); token !== undefined; token = tokens.next()) {
    if (token.kind !== 'punctuator') continue;
    if (token.text === '[') depth += 1;
    else if (token.text === ']') depth -= 1;
    else if (depth === 0 && token.text === '(') return splitList(tokens, ')').map((part, index) => readParameter(part, index));
    else if (depth === 0 && (token.text === '{' || token.text === '=>')) return undefined;
  }
  return undefined;
}

/** Reads tokens up to the `closing` bracket that ends the current list, split at its top-level commas. */
function splitList(tokens: SourceTokens, closing: string): SourceToken[][] {
  const parts: SourceToken[][] = [[]];
  let depth = 0;
  for (let token = tokens.next(); token !== undefined; token = tokens.next()) {
    if (token.kind === 'punctuator') {
      if (depth === 0 && token.text === closing) return parts.filter((part) => part.length > 0);
      if (depth === 0 && token.text === ',') {
        parts.push([]);
        continue;
      }
      depth += nesting(token.text);
    }
    (parts[parts.length - 1] as SourceToken[]).push(token);
  }
  throw new SyntaxError(`unterminated list, expected "${closing}"`);
}

/** Splits tokens at their top-level commas (used inside an already isolated pattern). */
function splitTokens(tokens: readonly SourceToken[]): SourceToken[][] {
  const parts: SourceToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punctuator') {
      if (depth === 0 && token.text === ',') {
        parts.push([]);
        continue;
      }
      depth += nesting(token.text);
    }
    (parts[parts.length - 1] as SourceToken[]).push(token);
  }
  return parts.filter((part) => part.length > 0);
}

/** The position of the first top-level `=` in `tokens` (a default value follows it), or -1. */
function topLevelAssign(tokens: readonly SourceToken[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i += 1) {
    const token = tokens[i] as SourceToken;
    if (token.kind !== 'punctuator') continue;
    const change = nesting(token.text);
    if (change !== 0) depth += change;
    else if (depth === 0 && token.text === '=') return i;
  }
  return -1;
}

/** The index just past the bracket that closes the one at `open`. */
function closingIndex(tokens: readonly SourceToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    if ((tokens[i] as SourceToken).kind !== 'punctuator') continue;
    const change = nesting((tokens[i] as SourceToken).text);
    depth += change;
    if (change < 0 && depth === 0) return i + 1;
  }
  return tokens.length;
}

function readParameter(tokens: readonly SourceToken[], index: number): Parameter {
  const [first, second] = tokens;
  if (first?.text === '...') {
    return { name: second?.kind === 'identifier' ? second.text : '', index, rest: true };
  }
  const assignAt = topLevelAssign(tokens, 0);
  const literalDefault = assignAt === -1 ? undefined : readLiteralDefault(tokens.slice(assignAt + 1));
  if (first?.kind === 'identifier') {
    return literalDefault === undefined ? { name: first.text, index, rest: false } : { name: first.text, index, rest: false, literalDefault };
  }
  if (first?.text === '{') {
    const inner = tokens.slice(1, closingIndex(tokens, 0) - 1);
    return { name: '', index, rest: false, properties: readProperties(inner) };
  }
  return { name: '', index, rest: false };
}

/** The properties of an object pattern, named by their keys; rest and computed keys have no name. */
function readProperties(inner: readonly SourceToken[]): DestructuredProperty[] {
  const properties: DestructuredProperty[] = [];
  for (const entry of splitTokens(inner)) {
    const key = entry[0] as SourceToken;
    let name: string;
    if (key.kind === 'identifier') name = key.text;
    else if (key.kind === 'string') name = unescapeSource(key.text.slice(1, -1));
    else if (key.kind === 'number') name = String(Number(key.text.replace(/_/g, '')));
    else continue;
    const assignAt = topLevelAssign(entry, 1);
    const literalDefault = assignAt === -1 ? undefined : readLiteralDefault(entry.slice(assignAt + 1));
    properties.push(literalDefault === undefined ? { name } : { name, literalDefault });
  }
  return properties;
}
