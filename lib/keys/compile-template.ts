import { CacheConfigError, CacheKeyError, CacheTemplateError } from '../errors';
import { assembleRender, makeArgsCheck, type CompiledKey, type KeyPiece, type KeySource, type RequiredArgument } from './compiled-key';
import { KEY_DELIMITER } from './key-parts';
import type { LiteralDefault } from './literal-default';
import { describeParameter, type FunctionSignature, type Parameter } from './parameter-names';
import { clip, parseTemplate, type TemplateFault, type TemplatePlaceholder } from './parse-template';
import { readOwn, readPathSegment } from './read-own';
import { renderValueAt } from './render-value';

// Long templates are shown around the fault, so a message stays readable.
const SHOWN_LENGTH = 200;

/** How a placeholder's head value is read from a call, before its path. */
interface HeadReader {
  readonly read: (args: readonly unknown[], scope: unknown) => unknown;
  /** The parameter named in errors. */
  readonly parameter: string;
  readonly required?: RequiredArgument;
}

/**
 * Compiles a key, tag or prefix template once into closures (never `eval`). Placeholders:
 * `{name}`, `{0}`, `{this}`, paths `{user.id}`, `{ids[0]}`, `{opts[page]}`; `{{` and `}}` are
 * literal braces. Literal text is kept as written; values are rendered and escaped.
 * @param where - names the owner in messages (`label`) and the option stored on errors.
 * @throws CacheTemplateError (a `CacheConfigError`) with the template, the index of the fault and
 *   the known parameter names, for anything that would not render: see docs/keys.md.
 * @example compileTemplate('user:{id}', readSignature((id: number) => id), { label: 'cached(getUser)', option: 'cacheKey' })
 */
export function compileTemplate(template: string, signature: FunctionSignature, where: KeySource): CompiledKey {
  const owner = `${where.label} option "${where.option}"`;
  if (typeof template !== 'string') {
    throw new CacheConfigError(`${owner} must be a template string; received ${typeof template}`, { option: where.option, received: template });
  }
  const fault: TemplateFault = (problem, index, hint) => {
    const detail = hint === undefined ? '' : `; ${hint}`;
    throw new CacheTemplateError(
      `${owner}: ${problem} at index ${index} in "${showTemplate(template, index)}"${detail}; ${describeNames(signature)}`,
      { template, index, option: where.option },
    );
  };
  if (template === '') fault('empty template', 0, 'a key, tag or prefix needs some text');
  const parsed = parseTemplate(template, fault);
  const pieces: KeyPiece[] = [];
  const required: RequiredArgument[] = [];
  for (const placeholder of parsed.placeholders) {
    const head = headReader(placeholder, signature, fault);
    if (head.required !== undefined) required.push(head.required);
    pieces.push(withPath(head, placeholder));
  }
  return { render: assembleRender(parsed.texts, pieces, owner), assertArgsGiven: makeArgsCheck(required, owner) };
}

/**
 * Compiles a list of names: `['a', 'b']` behaves as the template `'{a}:{b}'` (paths like
 * `'user.id'` are allowed too). Errors are those of `compileTemplate` on that template.
 * @example compileNameList(['id', 'page'], signature, { label: 'cached(list)', option: 'cacheKey' })
 */
export function compileNameList(names: readonly string[], signature: FunctionSignature, where: KeySource): CompiledKey {
  const owner = `${where.label} option "${where.option}"`;
  if (!Array.isArray(names) || names.length === 0) {
    throw new CacheConfigError(`${owner} must be a non-empty list of parameter names`, { option: where.option, received: names });
  }
  names.forEach((name: unknown, index) => {
    if (typeof name !== 'string' || name === '' || /[{}]/.test(name)) {
      throw new CacheConfigError(
        `${owner}: entry ${index} (${JSON.stringify(name) ?? String(name)}) is not a parameter name; ${describeNames(signature)}`,
        { option: where.option, received: names },
      );
    }
  });
  return compileTemplate(names.map((name) => `{${name}}`).join(KEY_DELIMITER), signature, where);
}

/** How the head of `placeholder` is read, or a fault when it names nothing the function has. */
function headReader(placeholder: TemplatePlaceholder, signature: FunctionSignature, fault: TemplateFault): HeadReader {
  const { head, position } = placeholder;
  if (head === 'this') return { read: (_args, scope) => scope, parameter: 'this' };
  if (position !== undefined) {
    const parameter = signature.parameters.find((p) => p.index === position && !p.rest);
    if (parameter !== undefined) return argumentReader(parameter, position, describeParameter(parameter));
    if (!signature.hasRest) {
      const count = signature.parameters.length;
      fault(`placeholder "${clip(placeholder.text)}" is beyond the ${count} declared parameter${count === 1 ? '' : 's'}`, placeholder.index, 'the function has no rest parameter');
    }
    return { read: (args) => args[position], parameter: `${position}` };
  }
  for (const parameter of signature.parameters) {
    if (parameter.name !== head) continue;
    if (!parameter.rest) return argumentReader(parameter, parameter.index, head);
    const from = parameter.index;
    return { read: (args) => args.slice(from), parameter: head };
  }
  for (const parameter of signature.parameters) {
    const property = parameter.properties?.find((p) => p.name === head);
    if (property !== undefined) return propertyReader(parameter.index, head, property.literalDefault);
  }
  return fault(`unknown placeholder "${clip(placeholder.text)}"`, placeholder.index);
}

/** Reads argument `index`, its literal default standing in for a missing or undefined one. */
function argumentReader(parameter: Parameter, index: number, name: string): HeadReader {
  const fallback = parameter.literalDefault?.value;
  if (parameter.literalDefault !== undefined) {
    return { read: (args) => (args[index] === undefined ? fallback : args[index]), parameter: name };
  }
  return { read: (args) => args[index], parameter: name, required: requiredUnlessDefaulted(parameter, index, name) };
}

/** A destructured parameter with literal defaults for all its properties can be left out. */
function requiredUnlessDefaulted(parameter: Parameter, index: number, name: string): RequiredArgument | undefined {
  const properties = parameter.properties;
  if (properties !== undefined && properties.length > 0 && properties.every((p) => p.literalDefault !== undefined)) return undefined;
  return { index, name };
}

/** Reads property `name` of the destructured argument `index`, with its literal default. */
function propertyReader(index: number, name: string, literalDefault: LiteralDefault | undefined): HeadReader {
  const fallback = literalDefault?.value;
  return {
    read: (args) => {
      const value = readOwn(args[index], name);
      return value === undefined ? fallback : value;
    },
    parameter: name,
    required: literalDefault === undefined ? { index, name } : undefined,
  };
}

/** The piece for a placeholder: its head, then its path (own properties and class getters). */
function withPath(head: HeadReader, placeholder: TemplatePlaceholder): KeyPiece {
  const { read, parameter } = head;
  const path = placeholder.path;
  const shown = placeholder.text.slice(1, -1);
  if (path.length === 0) return (args, scope) => renderValueAt(read(args, scope), parameter, shown);
  return (args, scope) => {
    let value = read(args, scope);
    try {
      for (let i = 0; i < path.length; i += 1) value = readPathSegment(value, path[i] as string);
    } catch (error) {
      // A class getter on the path threw: the key cannot be built; say where.
      throw new CacheKeyError(`parameter "${parameter}" cannot be part of a key: reading ${shown} failed (${error instanceof Error ? error.message : String(error)})`, {
        parameter,
        cause: error,
      });
    }
    return renderValueAt(value, parameter, shown);
  };
}

/** The names a template may use, for messages. */
function describeNames(signature: FunctionSignature): string {
  if (signature.names.length > 0) return `parameters are ${signature.names.join(', ')}`;
  if (signature.parameters.length === 0 && signature.hasRest) {
    return "the function's parameters cannot be read from its source; name them with the argNames option";
  }
  return 'the function declares no named parameters';
}

/** The template, or the part of a long one around `index`. */
function showTemplate(template: string, index: number): string {
  if (template.length <= SHOWN_LENGTH) return template;
  const start = Math.max(0, index - SHOWN_LENGTH / 2);
  const end = Math.min(template.length, start + SHOWN_LENGTH);
  return `${start > 0 ? '…' : ''}${template.slice(start, end)}${end < template.length ? '…' : ''}`;
}
