/**
 * What a value loses on its way into the store, said in the user's words: a class instance that
 * comes back as a plain object (reported once per cached function), and a function or symbol that
 * cannot be stored at all (named by the user's path to it, not the stored entry's).
 */
import { SerializationError } from '../errors';
import { findLostPrototype, findUnstorable } from '../serializer/find-in-value';
import type { Call } from './call';

const KEEP_THE_CLASS =
  'give the function a schema whose output builds the class, use MemoryCache({ copy: false }) to keep instances as they are, or give the backend a serializer that rebuilds them (docs/getting-started.md#what-comes-back-from-a-hit)';

/** Per cached function (its plan): how many of its values were written, and whether it was told about a lost prototype. */
interface PrototypeWatch {
  writes: number;
  told: boolean;
}

/** One lookup per write (a miss costs about as much as a `Map.get` per lookup). */
const watches = new WeakMap<object, PrototypeWatch>();
/** After the first 100 values of a function, one in 100 is checked. */
const CHECK_EVERY_VALUE_UP_TO = 100;

/**
 * Reports, once per cached function, that `value` holds a class instance the backend will return
 * as a plain object: its type still says the class, so a method call on a hit compiles and throws.
 */
export function reportLostPrototype(call: Call, value: unknown): void {
  // With a schema, hits resolve to its output and the types follow it: no class is promised.
  if (call.backend.losesPrototypes !== true || call.plan.schema !== undefined) return;
  let watch = watches.get(call.plan);
  if (watch === undefined) {
    watch = { writes: 0, told: false };
    watches.set(call.plan, watch);
  }
  if (watch.told) return;
  // A function's values usually keep one shape: checking them all past the first hundred would
  // cost every miss a walk of its value for nothing.
  const seen = watch.writes++;
  if (seen >= CHECK_EVERY_VALUE_UP_TO && seen % CHECK_EVERY_VALUE_UP_TO !== 0) return;
  const found = findLostPrototype(value);
  if (found === undefined) return;
  watch.told = true;
  const message =
    `${call.plan.label}: the value for key ${call.key} holds ${found.what} at ${found.path}; a hit returns it as a plain object ` +
    `of its own properties, without the methods of its class (reported once per function): ${KEEP_THE_CLASS}`;
  // Its own source, so that another warning of the same second never hides this single report.
  call.reportProblem(new SerializationError(message), 'encode', call.key, call.plan);
}

/**
 * The error a failed write of `value` is reported with: for a function or symbol inside, one that
 * names the user's path to it (`value.cb`, `value[0].cb`) with the backend's error as its cause.
 */
export function inUserTerms(error: unknown, call: Call, value: unknown): unknown {
  if (!(error instanceof SerializationError)) return error;
  const found = findUnstorable(value);
  if (found === undefined) return error;
  return new SerializationError(
    `${call.plan.label}: the value for key ${call.key} is not stored: it holds ${found.what} at ${found.path}, and functions and symbols cannot be stored in a cache; ` +
      'the call returns it but every call recomputes it (MemoryCache({ copy: false }) stores values as they are)',
    { cause: error },
  );
}
