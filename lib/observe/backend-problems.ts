/**
 * Backend problems that no call is waiting for (a client's connection errors, see
 * lib/backends/shared/connection-watch.ts) go where reported call errors go: `caches.onError`,
 * else the rate-limited warning, and a `backend-error` event to the process-wide listeners.
 */
import { setBackendProblemSink, type BackendProblem } from '../shared/problem-sink';
import { emitEvent, isObserved } from './events';
import { reportError } from './report';

/** Plugs the core's reporting into the backends' problem sink (the registry does, when it loads). */
export function routeBackendProblems(): void {
  setBackendProblemSink(deliver);
}

function deliver(problem: BackendProblem): void {
  const { error, operation, backend, source } = problem;
  reportError(error, { operation, key: undefined, function: backend }, undefined, source);
  if (isObserved(undefined)) emitEvent({ type: 'backend-error', function: backend, key: undefined, error }, undefined);
}
