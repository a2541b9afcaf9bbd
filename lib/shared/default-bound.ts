/**
 * The bound, in milliseconds, on one backend call when neither the function nor the backend sets
 * one. One constant for the core's `DEFAULT_OPTIONS` and the remote backends' `backendTimeoutMs`
 * default, so the documented 250 ms cannot drift apart between them.
 * @default 250
 */
export const DEFAULT_BACKEND_TIMEOUT_MS = 250;
