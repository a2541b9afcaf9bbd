/** The kinds of token `SourceTokens` produces. */
export type SourceTokenKind = 'identifier' | 'punctuator' | 'string' | 'template' | 'number' | 'regex';

/** One token of JavaScript source, with its raw text and where it starts. */
export interface SourceToken {
  readonly kind: SourceTokenKind;
  /** The raw source text of the token (quotes and escapes included). */
  readonly text: string;
  readonly start: number;
  /** For a template literal: whether it has `${...}` substitutions. */
  readonly hasSubstitution?: boolean;
}

const IDENTIFIER = /[\p{ID_Start}$_\\#][\p{ID_Continue}$\u200c\u200d\\]*/uy;
const NUMBER = /(?:0[xXoObB][\da-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)n?/y;
const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=',
  '%=', '&=', '|=', '^=', '**', '<<', '>>',
];
const SINGLE_PUNCTUATORS = '{}()[];,<>+-*/%&|^!~?:=.@';
// After these tokens a `/` divides; anywhere else it opens a regular expression.
const ENDS_OPERAND = new Set([')', ']', '}']);
const OPERATOR_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * A lazy tokenizer for JavaScript source, enough to read a parameter list: it knows strings,
 * template literals (nested substitutions too), comments and regular expressions, so a `)` or a
 * `,` inside any of them is never taken for punctuation. It reads only as far as it is asked to.
 */
export class SourceTokens {
  readonly #source: string;
  #position = 0;
  #previous: SourceToken | undefined;

  constructor(source: string) {
    this.#source = source;
  }

  /** The next token, or `undefined` at the end of the source. Throws `SyntaxError` on unterminated text. */
  next(): SourceToken | undefined {
    this.#skipSpaceAndComments();
    const source = this.#source;
    const start = this.#position;
    if (start >= source.length) return undefined;
    const char = source[start] as string;
    let token: SourceToken;
    if (char === '"' || char === "'") token = this.#string(char);
    else if (char === '`') token = this.#template();
    else if (char === '/' && this.#regexAllowed()) token = this.#regex();
    else token = this.#match(NUMBER, 'number') ?? this.#match(IDENTIFIER, 'identifier') ?? this.#punctuator();
    this.#previous = token;
    return token;
  }

  /** Skips whitespace, line comments and block comments. */
  #skipSpaceAndComments(): void {
    const source = this.#source;
    let i = this.#position;
    for (;;) {
      const code = source.charCodeAt(i);
      if (code === 47 /* / */ && source.charCodeAt(i + 1) === 47) {
        const end = source.indexOf('\n', i + 2);
        i = end === -1 ? source.length : end + 1;
      } else if (code === 47 && source.charCodeAt(i + 1) === 42 /* * */) {
        const end = source.indexOf('*/', i + 2);
        if (end === -1) throw new SyntaxError('unterminated comment');
        i = end + 2;
      } else if (code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029) {
        i += 1;
      } else {
        break;
      }
    }
    this.#position = i;
  }

  /** Whether a `/` here starts a regular expression rather than a division. */
  #regexAllowed(): boolean {
    const previous = this.#previous;
    if (previous === undefined) return true;
    if (previous.kind === 'punctuator') return !ENDS_OPERAND.has(previous.text);
    if (previous.kind === 'identifier') return OPERATOR_KEYWORDS.has(previous.text);
    return false;
  }

  #match(pattern: RegExp, kind: SourceTokenKind): SourceToken | undefined {
    pattern.lastIndex = this.#position;
    const found = pattern.exec(this.#source);
    if (found === null) return undefined;
    const token = { kind, text: found[0], start: this.#position };
    this.#position += found[0].length;
    return token;
  }

  #punctuator(): SourceToken {
    const source = this.#source;
    const start = this.#position;
    for (const candidate of PUNCTUATORS) {
      if (source.startsWith(candidate, start)) {
        this.#position += candidate.length;
        return { kind: 'punctuator', text: candidate, start };
      }
    }
    const char = source[start] as string;
    if (!SINGLE_PUNCTUATORS.includes(char)) throw new SyntaxError(`unexpected character ${JSON.stringify(char)} at ${start}`);
    this.#position += 1;
    return { kind: 'punctuator', text: char, start };
  }

  #string(quote: string): SourceToken {
    const source = this.#source;
    const start = this.#position;
    let i = start + 1;
    while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
    if (i >= source.length) throw new SyntaxError(`unterminated string at ${start}`);
    this.#position = i + 1;
    return { kind: 'string', text: source.slice(start, i + 1), start };
  }

  #template(): SourceToken {
    const source = this.#source;
    const start = this.#position;
    let i = start + 1;
    let hasSubstitution = false;
    while (i < source.length && source[i] !== '`') {
      if (source[i] === '\\') {
        i += 2;
      } else if (source[i] === '$' && source[i + 1] === '{') {
        hasSubstitution = true;
        this.#position = i + 2;
        this.#previous = undefined;
        this.#skipSubstitution();
        i = this.#position;
      } else {
        i += 1;
      }
    }
    if (i >= source.length) throw new SyntaxError(`unterminated template literal at ${start}`);
    this.#position = i + 1;
    return { kind: 'template', text: source.slice(start, i + 1), start, hasSubstitution };
  }

  /** Reads the tokens of a `${...}` substitution up to and including its closing brace. */
  #skipSubstitution(): void {
    let depth = 0;
    for (;;) {
      const token = this.next();
      if (token === undefined) throw new SyntaxError('unterminated template substitution');
      if (token.kind !== 'punctuator') continue;
      if (token.text === '{') depth += 1;
      else if (token.text === '}') {
        if (depth === 0) return;
        depth -= 1;
      }
    }
  }

  #regex(): SourceToken {
    const source = this.#source;
    const start = this.#position;
    let i = start + 1;
    let inClass = false;
    for (; i < source.length; i += 1) {
      const char = source[i];
      if (char === '\\') i += 1;
      else if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if (char === '/' && !inClass) break;
      else if (char === '\n') throw new SyntaxError(`unterminated regular expression at ${start}`);
    }
    if (i >= source.length) throw new SyntaxError(`unterminated regular expression at ${start}`);
    i += 1;
    while (i < source.length && /[a-z]/.test(source[i] as string)) i += 1;
    this.#position = i;
    return { kind: 'regex', text: source.slice(start, i), start };
  }
}

/** How a punctuator changes the bracket depth: +1 opens, -1 closes, 0 otherwise. */
export function nesting(punctuator: string): number {
  if (punctuator === '(' || punctuator === '[' || punctuator === '{') return 1;
  if (punctuator === ')' || punctuator === ']' || punctuator === '}') return -1;
  return 0;
}
