/** One `{...}` of a template. */
export interface TemplatePlaceholder {
  /** `this`, a parameter name, or a position written in digits. */
  readonly head: string;
  /** The position, when `head` is one. */
  readonly position: number | undefined;
  /** Property names read after the head: `{user.id}` → ['id'], `{opts[page]}` → ['page']. */
  readonly path: readonly string[];
  /** Where the placeholder's `{` is in the template. */
  readonly index: number;
  /** The placeholder as written, braces included. */
  readonly text: string;
}

/** A template split into literal texts around its placeholders (`texts.length` is one more). */
export interface ParsedTemplate {
  readonly texts: readonly string[];
  readonly placeholders: readonly TemplatePlaceholder[];
}

/** Reports a fault in a template: what is wrong, where, and optionally what to write instead. */
export type TemplateFault = (problem: string, index: number, hint?: string) => never;

const OPEN = 123; // {
const CLOSE = 125; // }
const IDENTIFIER = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/uy;
const DIGITS = /\d+/y;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const GRAMMAR_HINT =
  'a placeholder is a parameter name, a position or "this", then .name or [key] segments, as in {user.id}, {0}, {ids[0]} or {this.id}';

/**
 * Splits `template` into literal text and placeholders in one pass over its characters (linear
 * in its length whatever it holds). `{{` and `}}` are literal braces. Calls `fault` for a lone
 * `{` or `}`, an empty `{}`, a quoted path, a malformed placeholder and the refused path
 * segments `__proto__`, `prototype` and `constructor`.
 */
export function parseTemplate(template: string, fault: TemplateFault): ParsedTemplate {
  const texts: string[] = [];
  const placeholders: TemplatePlaceholder[] = [];
  let text = '';
  let runStart = 0;
  let i = 0;
  while (i < template.length) {
    const code = template.charCodeAt(i);
    if (code !== OPEN && code !== CLOSE) {
      i += 1;
      continue;
    }
    if (template.charCodeAt(i + 1) === code) {
      text += template.slice(runStart, i + 1);
      i += 2;
      runStart = i;
      continue;
    }
    if (code === CLOSE) fault('lone "}"', i, 'write "}}" for a literal brace');
    const end = placeholderEnd(template, i, fault);
    texts.push(text + template.slice(runStart, i));
    placeholders.push(parsePlaceholder(template.slice(i + 1, end), i, fault));
    text = '';
    i = end + 1;
    runStart = i;
  }
  texts.push(text + template.slice(runStart));
  return { texts, placeholders };
}

/** The index of the `}` closing the placeholder opened at `open`. */
function placeholderEnd(template: string, open: number, fault: TemplateFault): number {
  for (let j = open + 1; j < template.length; j += 1) {
    const code = template.charCodeAt(j);
    if (code === CLOSE) return j;
    if (code === OPEN) break;
  }
  return fault('unclosed "{"', open, 'write "{{" for a literal brace');
}

/** Reads the inside of one placeholder: a head, then `.name`, `.0` or `[key]` segments. */
function parsePlaceholder(body: string, index: number, fault: TemplateFault): TemplatePlaceholder {
  const text = `{${body}}`;
  const shown = clip(text);
  if (body === '') fault('empty placeholder "{}"', index, 'name a parameter, a position or "this"');
  const digits = matchAt(DIGITS, body, 0);
  const head = digits ?? matchAt(IDENTIFIER, body, 0);
  if (head === undefined || (digits !== undefined && digits.length > 1 && digits.startsWith('0'))) {
    fault(`invalid placeholder "${shown}"`, index, GRAMMAR_HINT);
  }
  const path: string[] = [];
  let at = head.length;
  while (at < body.length) {
    let segment: string | undefined;
    if (body[at] === '.') {
      segment = matchAt(IDENTIFIER, body, at + 1) ?? matchAt(DIGITS, body, at + 1);
      at += 1 + (segment?.length ?? 0);
    } else if (body[at] === '[') {
      const quote = body[at + 1];
      if (quote === '"' || quote === "'" || quote === '`') {
        fault(`quoted path "${shown}"`, index, 'write keys without quotes, as in {opts[page]} or {opts.page}');
      }
      const close = body.indexOf(']', at);
      segment = close === -1 ? undefined : body.slice(at + 1, close);
      if (segment === '' || segment?.includes('[')) segment = undefined;
      at = close + 1;
    }
    if (segment === undefined) fault(`invalid placeholder "${shown}"`, index, GRAMMAR_HINT);
    if (FORBIDDEN_SEGMENTS.has(segment)) {
      fault(`placeholder "${shown}" reads "${segment}"`, index, 'the segments __proto__, prototype and constructor are refused');
    }
    path.push(segment);
  }
  return { head, position: digits === undefined ? undefined : Number(digits), path, index, text };
}

/** The text `pattern` (sticky) matches at `at`, or `undefined`. */
function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

/** `text`, cut short with `…` past 60 characters, for messages. */
export function clip(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}
