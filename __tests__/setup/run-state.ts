/**
 * What global set-up started, kept where global tear-down finds it: on `globalThis` (jest runs
 * both in one process) and in a file under the temporary directory named after this run's PID,
 * in case the global object is not shared.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedServer } from './servers';

/** The servers started by this run's global set-up. */
export interface RunState {
  readonly servers: StartedServer[];
}

const GLOBAL_KEY = Symbol.for('easy-cache.test-servers');

/** The file that records this run's servers. */
export function stateFile(): string {
  return join(tmpdir(), `easy-cache-test-servers-${process.pid}.json`);
}

/** Records `state` on the global object and in the state file. */
export function saveState(state: RunState): void {
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = state;
  writeFileSync(stateFile(), JSON.stringify(state));
}

/** The recorded state, or an empty one when set-up started nothing. */
export function loadState(): RunState {
  const kept = (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as RunState | undefined;
  if (kept) return kept;
  try {
    return JSON.parse(readFileSync(stateFile(), 'utf8')) as RunState;
  } catch {
    return { servers: [] };
  }
}

/** Forgets the recorded state. */
export function clearState(): void {
  delete (globalThis as Record<symbol, unknown>)[GLOBAL_KEY];
  rmSync(stateFile(), { force: true });
}
