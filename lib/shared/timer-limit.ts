/**
 * The longest delay a Node.js timer can wait: a longer one (a `backendTimeoutMs` of 1e12, meant
 * as "no bound") fires after 1 ms instead, with a warning, and would cut every call at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` as a timer delay: at most `MAX_TIMER_MS` (about 24.8 days). */
export function timerDelay(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}
