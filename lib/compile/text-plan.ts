import { CacheKeyError } from '../errors';
import { describeValue } from '../shared/describe-value';
import { compileNameList, compileTemplate } from '../keys/compile-template';
import type { FunctionSignature } from '../keys/parameter-names';
import { callHook, toCallHook } from './call-hook';

/** Renders one piece of text (a key, or a prefix) for a call, compiled once. */
export interface TextPlan {
  render(args: readonly unknown[], scope: unknown): string;
  /** For invalidation helpers: throws CacheKeyError naming a needed parameter the call left off. */
  assertArgsGiven(args: readonly unknown[]): void;
}

const NO_CHECK = (): void => undefined;

/** Compiles a template, a list of names, or wraps a function whose result must be a string. */
export function compileTextPlan(
  source: string | readonly string[] | ((...args: never[]) => unknown),
  fn: (...args: never[]) => unknown,
  signature: FunctionSignature,
  where: { label: string; option: string },
): TextPlan {
  if (typeof source === 'function') {
    const hook = toCallHook(source);
    return {
      render(args, scope) {
        const text = callHook(hook, { fn, signature, scope, args });
        if (typeof text === 'string' && text.length > 0) return text;
        if (typeof text === 'number' && Number.isFinite(text)) return String(text);
        throw new CacheKeyError(`${where.label}: the ${where.option} function must return a non-empty string; it returned ${describeValue(text)}`);
      },
      assertArgsGiven: NO_CHECK,
    };
  }
  const compiled = typeof source === 'string' ? compileTemplate(source, signature, where) : compileNameList(source, signature, where);
  return compiled;
}
