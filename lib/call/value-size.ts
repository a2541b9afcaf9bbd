/**
 * A value too large for its backend (`ValueTooLargeError` from the backend's write): reported once
 * per cached function, in the function's words, instead of at every call that recomputes it.
 */
import { ValueTooLargeError } from '../errors';
import type { Call } from './call';

/** The cached functions (their plans) already told that a value was too large. */
const toldAboutSize = new WeakSet<object>();

/**
 * `write`, where a value too large for the backend resolves to `notWritten` (reported the first
 * time for this function) instead of failing: it is the value's fault, not the backend's, so the
 * session stays up and strict mode does not throw.
 */
export function writeUnlessTooLarge<T>(call: Call, write: Promise<void>, notWritten: T): Promise<void | T> {
  return write.catch((error: unknown) => {
    if (!(error instanceof ValueTooLargeError)) throw error;
    if (!toldAboutSize.has(call.plan)) {
      toldAboutSize.add(call.plan);
      call.reportProblem(inFunctionWords(call, error), 'set', call.key, call.plan);
    }
    return notWritten;
  });
}

function inFunctionWords(call: Call, error: ValueTooLargeError): ValueTooLargeError {
  return new ValueTooLargeError(`${call.plan.label}: ${error.message}; the call returns it, but every call recomputes it (reported once per function)`, {
    key: call.key,
    bytes: error.bytes,
    limitBytes: error.limitBytes,
    option: error.option,
    cause: error,
  });
}
