import type { BackendTimeout } from '../backends/backend';
import { CacheConfigError } from '../errors';
import { describeValue } from '../shared/describe-value';
import { DEFAULT_TIMEOUT } from '../options/defaults';
import type { Timeout } from '../types';
import { callHook, toCallHook, type CallFacts } from './call-hook';

/** Returned by a timeout plan when the value must not be stored (a timeout function said 0 or less). */
export const DO_NOT_STORE = Symbol('do not store');

/** The timeout of one call, in backend terms, or DO_NOT_STORE, or a CacheConfigError to report. */
export type TimeoutOf = (facts: CallFacts, value: unknown) => BackendTimeout | typeof DO_NOT_STORE | CacheConfigError;

/** Compiles the `timeout` option: a constant becomes a constant function. */
export function compileTimeout(source: Timeout | ((...args: never[]) => unknown) | undefined, label: string): TimeoutOf {
  if (typeof source !== 'function') {
    const constant = toBackendTimeout(source);
    return () => constant;
  }
  const hook = toCallHook(source);
  return (facts, value) => {
    const result = callHook(hook, facts, { value });
    if (result === null || result === undefined || result === DEFAULT_TIMEOUT) return toBackendTimeout(result);
    if (typeof result === 'number' && Number.isFinite(result)) return result > 0 ? result : DO_NOT_STORE;
    return new CacheConfigError(
      `${label}: the timeout function must return seconds (a finite number), null, DEFAULT_TIMEOUT or undefined; it returned ${describeValue(result)}; the value was not stored`,
      { option: 'timeout', received: result },
    );
  };
}

function toBackendTimeout(timeout: Timeout | undefined): BackendTimeout {
  return timeout === DEFAULT_TIMEOUT ? undefined : timeout;
}
