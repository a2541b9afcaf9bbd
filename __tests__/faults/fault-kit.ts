/**
 * Shared pieces of the fault tests: the backends of the table-driven suites, timing calls,
 * watching for unhandled rejections, counting live timers and forcing garbage collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BackendName, BackendSettings } from '../helpers/backends-under-test';

export type RemoteKind = 'redis' | 'memcached';

/** The backends the table-driven fault suites run on, and how they are built (one memcached server, so raw writes find the key). */
export const FAULT_BACKENDS: readonly BackendName[] = ['memory', 'redis', 'memcached'];
export const FAULT_BACKEND_SETTINGS: BackendSettings = { label: 'faults', backendTimeoutMs: 1000, memcachedServers: 'first' };

/** Resolves to the value and the milliseconds the promise took to settle (rejections are returned, not thrown). */
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const value = await run();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

/** Collects the unhandled rejections of the process from now until `stop()`. */
export function watchUnhandledRejections(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  return { seen, stop: () => process.off('unhandledRejection', listener) };
}

/** How many timers (`Timeout` resources) are alive in the process. */
export function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

let gcFunction: (() => void) | undefined;

/** Runs a full garbage collection (exposing `gc` at run time when node was not started with --expose-gc). */
export function forceGc(): void {
  if (!gcFunction) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gcFunction = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** Polls `check` every 20 ms until it holds, failing after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
