import { CacheConfigError } from '../errors';
import { makeArgsCheck, withOwner, type CompiledKey, type RequiredArgument } from './compiled-key';
import { KEY_DELIMITER } from './key-parts';
import { describeParameter, type FunctionSignature, type Parameter } from './parameter-names';
import { readOwn } from './read-own';
import { escapeKeyPart, renderValueAt } from './render-value';

/** Renders one argument of a call for an automatic key. */
type ArgumentPiece = (args: readonly unknown[]) => string;

/**
 * The key used when no `cacheKey` is given: `name`, then each declared parameter (literal
 * defaults filled in, also inside destructured parameters), then any further arguments (rest
 * arguments included; trailing `undefined`s dropped), joined by `:`. Each argument is
 * type-tagged: a string renders escaped as it is (a leading `#` escaped as `%23`), any other
 * value as `#` + its template rendering, so `f(1)` → `f:#1`, `f('1')` → `f:1`, and
 * `f('a:b')` → `f:a%3Ab` differs from `f('a', 'b')` → `f:a:b`. The scope is never part of it.
 * `assertArgsGiven` needs every declared parameter without a literal default.
 * @throws CacheConfigError when `name` is empty.
 * @example compileAutomaticKey('getUser', readSignature((id: number, full = false) => id)).render([7], undefined) // 'getUser:#7:#false'
 */
export function compileAutomaticKey(name: string, signature: FunctionSignature): CompiledKey {
  if (typeof name !== 'string' || name === '') {
    throw new CacheConfigError('an automatic key needs a function name; give the function a name or use the "name" option', {
      option: 'name',
      received: name,
    });
  }
  const owner = `automatic key of "${name}"`;
  const declared = signature.parameters.filter((parameter) => !parameter.rest);
  const pieces = declared.map(declaredPiece);
  const declaredCount = declared.length;
  const required: RequiredArgument[] = declared.filter(isRequired).map((p) => ({ index: p.index, name: describeParameter(p) }));

  const render = (args: readonly unknown[]): string => {
    let key = name;
    for (let i = 0; i < declaredCount; i += 1) key += KEY_DELIMITER + (pieces[i] as ArgumentPiece)(args);
    let end = args.length;
    while (end > declaredCount && args[end - 1] === undefined) end -= 1;
    for (let i = declaredCount; i < end; i += 1) key += KEY_DELIMITER + renderArgument(args[i], `${i}`);
    return key;
  };
  return {
    render: (args) => {
      try {
        return render(args);
      } catch (error) {
        throw withOwner(error, owner);
      }
    },
    assertArgsGiven: makeArgsCheck(required, owner),
  };
}

/**
 * One argument, type-tagged: strings as they are (escaped, a leading `#` too), a bigint as `#10n`,
 * anything else as `#` + its escaped template rendering.
 */
export function renderArgument(value: unknown, parameter: string): string {
  // A bigint keeps its `n`, as inside objects, so that `f(10n)` and `f(10)` are two keys.
  if (typeof value === 'bigint') return `#${value}n`;
  if (typeof value !== 'string') return `#${renderValueAt(value, parameter, parameter)}`;
  return value.charCodeAt(0) === 35 /* # */ ? `%23${escapeKeyPart(value.slice(1))}` : escapeKeyPart(value);
}

/** The piece of a declared parameter: its argument, or its literal default when missing. */
function declaredPiece(parameter: Parameter): ArgumentPiece {
  const { index } = parameter;
  const label = describeParameter(parameter);
  if (parameter.literalDefault !== undefined) {
    const fallback = renderArgument(parameter.literalDefault.value, label);
    return (args) => (args[index] === undefined ? fallback : renderArgument(args[index], label));
  }
  const properties = (parameter.properties ?? []).filter((property) => property.literalDefault !== undefined);
  if (properties.length === 0) return (args) => renderArgument(args[index], label);
  // Fill the literal defaults in, so f({ id: 1 }) and f({ id: 1, page: 1 }) share a key as in templates.
  return (args) => {
    const given = args[index];
    if (given !== undefined && !isPlainObject(given)) return renderArgument(given, label);
    const filled: Record<string, unknown> = { ...(given as object | undefined) };
    for (const property of properties) {
      if (readOwn(filled, property.name) === undefined) {
        Object.defineProperty(filled, property.name, { value: property.literalDefault?.value, enumerable: true, writable: true, configurable: true });
      }
    }
    return renderArgument(filled, label);
  };
}

/** An object made by a literal or `Object.create(null)`: the kind a destructured parameter expects. */
function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether invalidation must be given this parameter: no literal default for it (or all its properties). */
function isRequired(parameter: Parameter): boolean {
  if (parameter.literalDefault !== undefined) return false;
  const properties = parameter.properties;
  return properties === undefined || properties.length === 0 || properties.some((p) => p.literalDefault === undefined);
}
