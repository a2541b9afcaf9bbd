/** Longest expiry memcached reads as relative seconds (30 days); larger values are Unix times. */
export const MEMCACHED_MAX_RELATIVE_EXPIRY = 2_592_000;

/** memcached parses exptime as a signed 32-bit number: the latest absolute time it accepts. */
const MAX_ABSOLUTE_EXPIRY = 2_147_483_647;

/**
 * The `exptime` memcached needs for a positive `timeout` in seconds (as `writeExpiry` in
 * ../shared/expiry.ts resolves it), or `0` (never) for `null`.
 * Fractions round up to whole seconds; more than 30 days becomes an absolute Unix time, capped
 * at 2038-01-19 (the largest time memcached accepts).
 *
 * @example
 * toExptime(0.2, 0);          // 1
 * toExptime(null, 0);         // 0
 * toExptime(31 * 86400, 1e12) // 1_000_000_000 + 2_678_400 (seconds since the epoch)
 */
export function toExptime(timeout: number | null, nowMs: number = Date.now()): number {
  if (timeout === null) return 0;
  const seconds = Math.ceil(timeout);
  if (seconds <= MEMCACHED_MAX_RELATIVE_EXPIRY) return seconds;
  return Math.min(Math.floor(nowMs / 1000) + seconds, MAX_ABSOLUTE_EXPIRY);
}
