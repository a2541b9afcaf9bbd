import { nesting, type SourceToken } from './source-tokens';

/** A literal default: number, string, boolean or null (anything else is not literal). */
export type LiteralDefault = { readonly value: number | string | boolean | null };

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0',
};

/**
 * The literal default written as `tokens` (what follows `=` in a parameter): a number, a string,
 * a template literal without substitutions, `true`, `false` or `null`, optionally signed when a
 * number. Anything else (an expression, `undefined`, a bigint) is not literal: `undefined` back.
 */
export function readLiteralDefault(tokens: readonly SourceToken[]): LiteralDefault | undefined {
  const counted = withoutCoverageCounter(tokens);
  if (counted !== undefined) return readLiteralDefault(counted);
  const [first, second] = tokens;
  if (first === undefined) return undefined;
  if (tokens.length === 2 && first.kind === 'punctuator' && (first.text === '-' || first.text === '+')) {
    const magnitude = second?.kind === 'number' ? numberValue(second.text) : undefined;
    if (magnitude === undefined) return undefined;
    return { value: first.text === '-' ? -magnitude : magnitude };
  }
  if (tokens.length !== 1) return undefined;
  switch (first.kind) {
    case 'number': {
      const value = numberValue(first.text);
      return value === undefined ? undefined : { value };
    }
    case 'string':
      return { value: unescapeSource(first.text.slice(1, -1)) };
    case 'template':
      return first.hasSubstitution ? undefined : { value: unescapeSource(first.text.slice(1, -1)) };
    case 'identifier':
      if (first.text === 'true') return { value: true };
      if (first.text === 'false') return { value: false };
      if (first.text === 'null') return { value: null };
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The default inside a coverage counter: istanbul (jest --coverage) rewrites `b = 10` as
 * `b = (cov_x().b[0][0]++, 10)`, which must keep meaning the literal 10.
 */
function withoutCoverageCounter(tokens: readonly SourceToken[]): readonly SourceToken[] | undefined {
  const last = tokens[tokens.length - 1];
  if (tokens[0]?.text !== '(' || last?.text !== ')' || !/^cov_\w+$/.test(tokens[1]?.text ?? '')) return undefined;
  let depth = 0;
  for (let i = 1; i < tokens.length - 1; i += 1) {
    const token = tokens[i] as SourceToken;
    if (token.kind !== 'punctuator') continue;
    const change = nesting(token.text);
    if (change !== 0) depth += change;
    else if (depth === 0 && token.text === ',') return tokens.slice(i + 1, -1);
  }
  return undefined;
}

/** The value of a numeric literal, or `undefined` for a bigint or a legacy octal like `017`. */
function numberValue(text: string): number | undefined {
  if (text.endsWith('n') || /^0\d/.test(text)) return undefined;
  const value = Number(text.replace(/_/g, ''));
  return Number.isNaN(value) ? undefined : value;
}

/** The cooked value of the body of a string or template literal (escape sequences resolved). */
export function unescapeSource(body: string): string {
  if (!body.includes('\\') && !body.includes('\r')) return body;
  let result = '';
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] as string;
    if (char === '\r') {
      // Template literals normalise CR and CRLF line ends to LF.
      result += '\n';
      if (body[i + 1] === '\n') i += 1;
      continue;
    }
    if (char !== '\\') {
      result += char;
      continue;
    }
    i += 1;
    const escaped = body[i] ?? '';
    if (escaped in SIMPLE_ESCAPES) {
      result += SIMPLE_ESCAPES[escaped];
    } else if (escaped === 'x') {
      result += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (escaped === 'u' && body[i + 1] === '{') {
      const end = body.indexOf('}', i);
      result += String.fromCodePoint(parseInt(body.slice(i + 2, end), 16));
      i = end;
    } else if (escaped === 'u') {
      result += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (escaped === '\r') {
      // A backslash before a line end continues the literal on the next line.
      if (body[i + 1] === '\n') i += 1;
    } else if (escaped !== '\n' && escaped !== '\u2028' && escaped !== '\u2029') {
      result += escaped;
    }
  }
  return result;
}
