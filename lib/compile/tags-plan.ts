import { CacheKeyError } from '../errors';
import { compileTemplate } from '../keys/compile-template';
import type { FunctionSignature } from '../keys/parameter-names';
import { callHook, toCallHook, type CallFacts } from './call-hook';

/** The tags of a function, compiled once: rendered before the call, and (for meta functions) after it. */
export interface TagsPlan {
  /** Tag texts known before the call. */
  before(facts: CallFacts): string[];
  /** Tag texts known from the returned value, when a meta tag function can tell; otherwise undefined. */
  readonly after: ((facts: CallFacts, value: unknown) => string[]) | undefined;
  assertArgsGiven(args: readonly unknown[]): void;
}

/** Compiles tag templates, or wraps a tag function. */
export function compileTagsPlan(
  source: readonly string[] | ((...args: never[]) => unknown),
  signature: FunctionSignature,
  label: string,
): TagsPlan {
  if (typeof source !== 'function') {
    const templates = source.map((template) => compileTemplate(template, signature, { label, option: 'tags' }));
    return {
      before: (facts) => templates.map((template) => template.render(facts.args, facts.scope)),
      after: undefined,
      assertArgsGiven: (args) => {
        for (const template of templates) template.assertArgsGiven(args);
      },
    };
  }
  const hook = toCallHook(source);
  const check = (result: unknown): string[] => {
    if (Array.isArray(result) && result.every((tag) => typeof tag === 'string' && tag.length > 0)) return result as string[];
    throw new CacheKeyError(`${label}: the tags function must return a list of non-empty strings; it returned ${JSON.stringify(result) ?? typeof result}`);
  };
  return {
    before: (facts) => check(callHook(hook, facts)),
    after: hook.takesMeta ? (facts, value) => check(callHook(hook, facts, { value })) : undefined,
    assertArgsGiven: () => undefined,
  };
}
