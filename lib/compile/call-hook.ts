import { buildCallArgs, readSignature, type FunctionSignature } from '../keys/parameter-names';
import { isMarkedMetaAccepted } from '../meta';
import type { Meta } from '../types';

/** A user function of the call (key, tags, prefix, timeout) with how it wants to be called. */
export interface CallHook<O> {
  readonly fn: (...args: unknown[]) => O;
  readonly takesMeta: boolean;
}

/** Reads once whether `fn` takes a `Meta`: marked with `metaAccepted`, or its only parameter is named `meta`. */
export function toCallHook<O>(fn: (...args: never[]) => O): CallHook<O> {
  const parameters = readSignature(fn).parameters;
  const takesMeta = isMarkedMetaAccepted(fn) || (parameters.length === 1 && parameters[0]?.name === 'meta');
  return { fn: fn as (...args: unknown[]) => O, takesMeta };
}

/** What a hook needs to know about the call in hand. */
export interface CallFacts {
  readonly fn: (...args: never[]) => unknown;
  readonly signature: FunctionSignature;
  readonly scope: unknown;
  readonly args: readonly unknown[];
}

/** Calls a hook with the call's arguments (`this` = scope), or with a `Meta`. */
export function callHook<O>(hook: CallHook<O>, facts: CallFacts, returned?: { value: unknown }): O {
  if (!hook.takesMeta) return hook.fn.apply(facts.scope, facts.args as unknown[]);
  const meta: Meta<unknown[], unknown, unknown> = {
    args: facts.args as unknown[],
    callArgs: buildCallArgs(facts.signature, facts.args),
    scope: facts.scope,
    function: facts.fn as (...args: unknown[]) => unknown,
    hasReturnedValue: returned !== undefined,
    ...(returned ? { returnedValue: returned.value } : {}),
  };
  return hook.fn(meta);
}
