/**
 * A value too large for its backend (`ValueTooLargeError` from the backend's write): reported once
 * per cached function, in the function's words, instead of at every call that recomputes it.
 */
import type { BackendTimeout } from '../backends/backend';
import { BackendError, ValueTooLargeError } from '../errors';
import type { SyncWritable } from '../guard/guard';
import { taggedJson } from '../serializer/tagged-json';
import { BoundExceeded } from '../shared/bound';
import { formatBytes } from '../shared/format-bytes';
import type { Call } from './call';

/** The cached functions (their plans) already told that a value was too large. */
const toldAboutSize = new WeakSet<object>();

/**
 * `write`, where a value too large for the backend resolves to `notWritten` (reported the first
 * time for this function) instead of failing: it is the value's fault, not the backend's, so the
 * session stays up and strict mode does not throw.
 */
export function writeUnlessTooLarge<T>(call: Call, write: Promise<void>, notWritten: T): Promise<void | T> {
  return write.catch((error: unknown) => unlessTooLarge(call, error, notWritten));
}

/** `writeUnlessTooLarge` for a write made at once (`setSync` of `entry` under the call's key): whether it stored; a value too large is `false`. */
export function setUnlessTooLarge(call: Call, backend: SyncWritable, entry: unknown, timeout: BackendTimeout): boolean {
  try {
    backend.setSync(call.key, entry, timeout);
    return true;
  } catch (error) {
    return unlessTooLarge(call, error, false);
  }
}

/** `notWritten` for a value too large (reported the first time for this function); any other error is thrown again. */
function unlessTooLarge<T>(call: Call, error: unknown, notWritten: T): T {
  if (!(error instanceof ValueTooLargeError)) throw error;
  if (toldAboutSize.has(call.plan)) return notWritten;
  toldAboutSize.add(call.plan);
  call.reportProblem(inFunctionWords(call, error), 'set', call.key, call.plan);
  return notWritten;
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

/** From this size on, a write that got no answer in time is said to be of a large value. */
export const LARGE_VALUE_BYTES = 512 * 1024;

/**
 * The error a failed write is reported with: a write of a large value that got no answer within
 * its bound (while the backend is reachable) says the value's size, the likely cause, and the way
 * out. The value is measured only then, with the default serializer.
 */
export function slowLargeWrite(error: unknown, call: Call, value: unknown): unknown {
  if (!(error instanceof BoundExceeded) || call.backend.connectionProblem !== undefined) return error;
  let bytes: number;
  try {
    const text = taggedJson.encode(value);
    if (text.length < LARGE_VALUE_BYTES / 3) return error;
    bytes = Buffer.byteLength(text);
  } catch {
    return error;
  }
  if (bytes < LARGE_VALUE_BYTES) return error;
  return new BackendError(
    `${call.plan.label}: backend set failed for key ${call.key}: no answer within the bound (backendTimeoutMs) for a value of ${formatBytes(bytes)} encoded; ` +
      "a value this large may not be written in time: raise backendTimeoutMs, or have the backend refuse such values at once (RedisCache's maxValueBytes)",
    { operation: 'set', key: call.key, cause: error },
  );
}
