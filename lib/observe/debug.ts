import { addGlobalListener, type CacheEvent } from './events';

const MAX_KEY_LENGTH = 200;
let attached = false;

/** With `EASY_CACHE_DEBUG=yes`, logs HIT / MISS / SET / INVALIDATE / LOCK / BREAKER lines with keys (checked once, when the first function is cached). */
export function attachDebugLoggerFromEnvironment(): void {
  if (attached || process.env.EASY_CACHE_DEBUG !== 'yes') return;
  attached = true;
  addGlobalListener((event) => console.log(formatDebugLine(event)));
}

/** One log line for an event; long keys are cut so a log stays readable. */
export function formatDebugLine(event: CacheEvent): string {
  const key = truncate(event.key ?? '-');
  switch (event.type) {
    case 'hit':
      return `[easy-cache] HIT ${event.function} ${key}${event.tier ? ` (${event.tier})` : ''}`;
    case 'miss':
      return `[easy-cache] MISS ${event.function} ${key}`;
    case 'set':
      return `[easy-cache] SET ${event.function} ${key}${event.tags.length ? ` tags=${event.tags.map(truncate).join(',')}` : ''}`;
    case 'stale':
      return `[easy-cache] STALE ${event.function} ${key} (${event.reason})`;
    case 'invalidate':
      return `[easy-cache] ${event.mode === 'soft' ? 'EXPIRE' : 'INVALIDATE'} ${event.function} by ${event.by} ${key}`;
    case 'lock':
      return `[easy-cache] LOCK ${event.outcome.toUpperCase()} ${event.function} ${key}${lockDetail(event.waitedMs, event.reason)}`;
    case 'backend-error':
      // A backend's own problem (its connection) has no key, and its message already names the backend.
      if (event.key === undefined && event.error.message.startsWith(event.function)) return `[easy-cache] ERROR ${event.error.message}`;
      return `[easy-cache] ERROR ${event.function} ${key}: ${event.error.message}`;
    case 'near-cache-bypassed':
    case 'near-cache-restored':
      return `[easy-cache] ${event.type === 'near-cache-bypassed' ? 'NEAR BYPASSED' : 'NEAR RESTORED'} ${event.function} (${event.reason})`;
    case 'breaker-open':
      return `[easy-cache] BREAKER OPEN ${event.backend} after ${event.failures} failures in a row (${event.function} ${key}): calls skip it for ${event.openMs} ms`;
    case 'breaker-close':
      return `[easy-cache] BREAKER CLOSE ${event.backend} after ${Math.round(event.openForMs)} ms (probe ${event.function} ${key})`;
  }
}

function lockDetail(waitedMs: number, reason: string | undefined): string {
  const rounded = Math.round(waitedMs);
  const waited = rounded > 0 ? ` after ${rounded} ms` : '';
  return reason === undefined ? waited : ` (${reason}${waited})`;
}

function truncate(text: string): string {
  return text.length > MAX_KEY_LENGTH ? `${text.slice(0, MAX_KEY_LENGTH)}…(${text.length} chars)` : text;
}

/** Logs a free-form note under `EASY_CACHE_DEBUG=yes` (for example, tags a helper ignored). */
export function debugNote(text: string): void {
  if (process.env.EASY_CACHE_DEBUG === 'yes') console.log(`[easy-cache] ${text}`);
}
