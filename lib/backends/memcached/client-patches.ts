/**
 * Instance-level repairs of the `memcached` client (2.2.x), each neutralising one behaviour that
 * can crash the process or wedge a connection. They replace methods on one client object only,
 * never the client's prototype.
 */
import type { MemcachedClient } from './memcached-client';
import { repairValueLines } from './repair-value-lines';

/** The client internals these repairs reach (not in the client's published types). */
interface ClientInternals {
  rawDataReceived?: (this: unknown, socket: { bufferArray?: unknown }) => unknown;
  connectionIssue?: (this: unknown, error: unknown, socket: unknown) => unknown;
  connections?: Record<string, { pool?: unknown } | undefined>;
  emit(event: string, details: unknown): boolean;
  end(): void;
}

/** A pooled socket as the client keeps it: its queries wait in `metaData`, oldest first. */
interface PooledSocket {
  metaData?: Array<{ start?: unknown } | undefined>;
  destroy(): void;
}

const VALUES_GUARDED = Symbol.for('easy-cache.memcached.values-guarded');

/**
 * Makes the client's response parser safe against values written by other clients (see
 * `repairValueLines`): flag-2 values with invalid JSON no longer throw inside a socket handler,
 * and values holding CRLF no longer block the connection. Everything else parses as before, so
 * a client shared with other code keeps working for it. Idempotent.
 */
export function guardValueParsing(client: MemcachedClient): void {
  const internals = client as unknown as ClientInternals & { [VALUES_GUARDED]?: true };
  const parse = internals.rawDataReceived;
  if (internals[VALUES_GUARDED] === true || typeof parse !== 'function') return;
  internals.rawDataReceived = function rawDataReceived(this: unknown, socket) {
    const lines = socket.bufferArray;
    // An incomplete value waits for the rest: the next data event calls this again.
    if (Array.isArray(lines) && !repairValueLines(lines as string[])) return undefined;
    return parse.call(this, socket);
  };
  internals[VALUES_GUARDED] = true;
}

/**
 * Replaces the client's handling of connection problems, for a client that `MemcachedCache`
 * built and owns. The original marks a server dead after `failures` problems and then probes it
 * by spawning the `ping` program (an uncaught `ENOENT` where `ping` is not installed, and a
 * 5-hour wait by default); a `SERVER_ERROR` answer (an item too large) also closed the socket
 * with other callers' queries on it. Now a problem is only reported as an `issue` event: the
 * next call connects again, bounded by the pool size and the connect timeout.
 */
export function replaceIssueHandling(client: MemcachedClient): void {
  const internals = client as unknown as ClientInternals;
  internals.connectionIssue = function connectionIssue(error: unknown, socket: unknown) {
    const server = (socket as { serverAddress?: unknown } | undefined)?.serverAddress;
    return internals.emit('issue', { server, messages: [String(error)] });
  };
}

/**
 * Destroys the client's sockets whose oldest query was sent before `Date.now() - stalledMs`, so
 * the callbacks queued on a frozen server are released; where the internals are not as expected
 * every connection is closed instead. The next call opens a fresh connection.
 */
export function dropStalledConnections(client: MemcachedClient, stalledMs: number): void {
  const internals = client as unknown as ClientInternals;
  const managers = internals.connections;
  if (managers === null || typeof managers !== 'object') {
    internals.end();
    return;
  }
  const cutoff = Date.now() - stalledMs;
  for (const manager of Object.values(managers)) {
    const pool = manager?.pool;
    if (!Array.isArray(pool)) continue;
    for (const socket of [...pool] as PooledSocket[]) {
      const started = socket.metaData?.[0]?.start;
      if (typeof started === 'number' && started <= cutoff) socket.destroy();
    }
  }
}
