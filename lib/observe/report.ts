import type { EasyCacheError } from '../errors';

/** What `onError` learns besides the error itself. */
export interface ErrorInfo {
  /** The backend operation or stage: get, getMany, set, add, delete, encode, timeout, ... */
  readonly operation: string;
  /** The key involved, when there is one. */
  readonly key: string | undefined;
  /** The cached function's name. */
  readonly function: string;
}

/** Receives errors that the library reports instead of throwing. */
export type ErrorHandler = (error: EasyCacheError, info: ErrorInfo) => void;

const QUIET_MS = 1000;
const lastWarningBySource = new Map<unknown, number>();

/** The default handler: one `console.warn` line at most once per second per source, so an outage does not flood the log. */
export function warnAtMostOncePerSecond(error: EasyCacheError, info: ErrorInfo, source: unknown): void {
  const now = Date.now();
  const last = lastWarningBySource.get(source);
  if (last !== undefined && now - last < QUIET_MS) return;
  if (lastWarningBySource.size > 1000) lastWarningBySource.clear();
  lastWarningBySource.set(source, now);
  // Messages of errors the core wraps already name the function, the operation and the key.
  const text = error.message.startsWith(info.function) ? error.message : `${info.function}: ${info.operation} failed for key ${info.key ?? '-'}: ${error.message}`;
  console.warn(`[easy-cache] ${text}`);
}

let globalHandler: ErrorHandler | undefined;

/** Sets (or, with `undefined`, removes) the process-wide handler used by functions without `onError`. */
export function setGlobalErrorHandler(handler: ErrorHandler | undefined): void {
  globalHandler = handler;
}

/** Reports `error` to the function's handler, else the global one, else the rate-limited warning. */
export function reportError(
  error: EasyCacheError,
  info: ErrorInfo,
  own: ErrorHandler | undefined,
  source: unknown,
): void {
  const handler = own ?? globalHandler;
  try {
    if (handler) handler(error, info);
    else warnAtMostOncePerSecond(error, info, source);
  } catch {
    // A failing error handler must not turn a reported error into a thrown one.
  }
}
