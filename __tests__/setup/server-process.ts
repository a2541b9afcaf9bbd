/**
 * The process side of the test servers: free loopback ports, spawning a server and waiting until
 * it answers, and stopping it by PID. `servers.ts` builds Redis, Redis Cluster and memcached on it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The loopback address every test server binds. */
export const TEST_HOST = '127.0.0.1';

/** How long a server may take to answer before its start counts as failed. */
export const READY_TIMEOUT_MS = 10_000;
/** How long a stopped server may take to exit after SIGTERM before it gets SIGKILL. */
const STOP_GRACE_MS = 2_000;
/** Attempts per server: a free port can be taken by someone else between finding and binding it. */
const START_ATTEMPTS = 3;

/** One server process started by this module. */
export interface StartedServer {
  /** What runs: a stand-alone redis-server, a Cluster node, or memcached. */
  readonly kind: 'redis' | 'redis-cluster-node' | 'memcached';
  readonly host: string;
  readonly port: number;
  /** `host:port`, as the test environment variables carry it. */
  readonly address: string;
  readonly pid: number;
  /** The server's own temporary directory (data, cluster config, log), removed by `stopServer`. */
  readonly dir: string;
}

/** Whether `command` is found on the PATH. */
export function hasBinary(command: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
  return found.status === 0;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, TEST_HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port found'))));
    });
  });
}

/** Sends `request` on a fresh connection and resolves to whatever text arrives until `done` says so. */
export function ask(port: number, request: string, done: (text: string) => boolean, timeoutMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: TEST_HOST, port });
    let text = '';
    const timer = setTimeout(() => finish(new Error(`no answer from ${TEST_HOST}:${port}`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(text);
    };
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (done(text)) finish();
    });
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new Error(`connection to ${TEST_HOST}:${port} closed`)));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it resolves true; rejects when `child` exits or the time is up. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  child?: ChildProcess,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    }
    if (child && child.signalCode !== null) {
      throw new Error(`${what} was killed by ${child.signalCode} before it was ready`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs} ms`);
    await sleep(15);
  }
}

/** The last lines of a server's log file, to explain a start that failed. */
function logTail(dir: string): string {
  const file = join(dir, 'server.log');
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines.length > 0 ? `\n  last log lines:\n    ${lines.slice(-5).join('\n    ')}` : '';
}

/**
 * Spawns `command` detached from our stdio, with its log in `dir/server.log`, and waits until
 * `ready(port)` holds. The process is unref'ed so that a forgotten server never keeps Node alive;
 * stopping it is the caller's job (`stopServer`).
 */
export async function spawnServer(
  kind: StartedServer['kind'],
  command: string,
  args: (port: number, dir: string) => string[],
  ready: (port: number) => Promise<boolean>,
): Promise<StartedServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt += 1) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), `easy-cache-${kind}-${port}-`));
    const child = spawn(command, args(port, dir), { cwd: dir, stdio: 'ignore', detached: false });
    child.unref();
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (error) => resolve(error));
    });
    if (spawned || child.pid === undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`cannot start ${command}: ${spawned?.message ?? 'no pid'}`);
    }
    const server: StartedServer = { kind, host: TEST_HOST, port, address: `${TEST_HOST}:${port}`, pid: child.pid, dir };
    try {
      await waitUntil(`${command} on port ${port}`, () => ready(port), child);
      return server;
    } catch (error) {
      lastError = new Error(`${(error as Error).message}${logTail(dir)}`);
      await stopServer(server);
    }
  }
  throw lastError;
}

/** Whether a process with `pid` still exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the process `pid` (SIGTERM, then SIGKILL after a grace period) and removes `dir`.
 * Stopping a server that has already exited is harmless.
 */
export async function stopServer(server: Pick<StartedServer, 'pid' | 'dir'>): Promise<void> {
  if (isAlive(server.pid)) {
    try {
      process.kill(server.pid, 'SIGTERM');
    } catch {
      // It exited between the check and the signal.
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isAlive(server.pid) && Date.now() < deadline) await sleep(10);
    if (isAlive(server.pid)) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      while (isAlive(server.pid) && Date.now() < deadline + STOP_GRACE_MS) await sleep(10);
    }
  }
  rmSync(server.dir, { recursive: true, force: true });
}

/** Synchronous last resort for an exiting process: SIGKILL every server still alive, remove its dir. */
export function killServersSync(servers: readonly Pick<StartedServer, 'pid' | 'dir'>[]): void {
  for (const server of servers) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(server.dir, { recursive: true, force: true });
  }
}
