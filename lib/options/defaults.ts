import { DEFAULT_BACKEND_TIMEOUT_MS } from '../shared/default-bound';

/**
 * Pass as `timeout` to use the backend's own default expiry (what omitting `timeout` does too);
 * lets a timeout function say "the default" explicitly.
 */
export const DEFAULT_TIMEOUT: unique symbol = Symbol.for('easy-cache.DEFAULT_TIMEOUT');
/** The type of `DEFAULT_TIMEOUT`. */
export type DefaultTimeout = typeof DEFAULT_TIMEOUT;

/** The defaults of `cached()` options that have one. */
export const DEFAULT_OPTIONS = Object.freeze({
  /**
   * The bound on one backend call, in milliseconds, when neither the function nor the backend sets one.
   * @default 250
   */
  backendTimeoutMs: DEFAULT_BACKEND_TIMEOUT_MS,
  /**
   * Backend errors are reported and the function runs uncached.
   * @default false
   */
  strict: false,
});
