/**
 * Jest global tear-down: stops exactly the server processes that global set-up started (by PID;
 * SIGTERM, then SIGKILL after a grace period) and removes their temporary directories. Servers
 * named by the developer's own variables are left alone.
 */
import { clearState, loadState } from './run-state';
import { stopServer } from './servers';

export default async function globalTeardown(): Promise<void> {
  const { servers } = loadState();
  await Promise.all(servers.map((server) => stopServer(server)));
  clearState();
}
