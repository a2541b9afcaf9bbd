/**
 * Where backends report problems that no call is waiting for (a client's connection errors):
 * backends sit below the core's reporting (lib/observe), so the core plugs its reporting in here
 * when it loads, and backends report through this one function.
 */
import type { EasyCacheError } from '../errors';

/** A problem of a backend itself, not of one call. */
export interface BackendProblem {
  /** What went wrong; its message starts with the backend (`RedisCache: ...`). */
  readonly error: EasyCacheError;
  /** What the backend was doing: `connect` for a connection that failed. */
  readonly operation: string;
  /** The backend's name for reports, in the place of a function's label: `RedisCache`. */
  readonly backend: string;
  /** The backend object, so that rate limits count per backend. */
  readonly source: object;
}

/** Receives backend problems; the core sets one that goes to `caches.onError`, the warning and events. */
export type BackendProblemSink = (problem: BackendProblem) => void;

let sink: BackendProblemSink | undefined;
const lastWarning = new WeakMap<object, number>();

/** Sets where backend problems go (the core does, when it loads). */
export function setBackendProblemSink(next: BackendProblemSink | undefined): void {
  sink = next;
}

/**
 * Reports a backend problem to the sink; a backend used without the core loaded (no sink) warns
 * on the console at most once a second per backend, as the core's default does.
 */
export function reportBackendProblem(problem: BackendProblem): void {
  try {
    if (sink) return sink(problem);
  } catch {
    // A failing handler must not throw into a client's event emitter.
    return;
  }
  const now = Date.now();
  const last = lastWarning.get(problem.source);
  if (last !== undefined && now - last < 1000) return;
  lastWarning.set(problem.source, now);
  console.warn(`[easy-cache] ${problem.error.message}`);
}
