/**
 * Control over a server process that a test file started itself (never the shared servers whose
 * addresses are in EASY_CACHE_TEST_*): kill it and start a fresh one (empty: data lost) on the
 * same port. To freeze a server, a test puts a `TcpProxy` in front of it and holds the bytes: a
 * SIGSTOP is undone by any SIGCONT that reaches the process (see tcp-proxy.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, waitUntil } from '../setup/server-process';
import { TEST_HOST, hasBinary, startMemcached, startRedis, stopServer, type StartedServer } from '../setup/servers';

/** Which binaries a kind of server needs. */
const BINARIES: Record<'redis' | 'memcached', string> = { redis: 'redis-server', memcached: 'memcached' };

/** Whether a server of `kind` can be started on this machine. */
export function canStart(kind: 'redis' | 'memcached'): boolean {
  return hasBinary(BINARIES[kind]);
}

/** A server of this test file: the process may be replaced by `restart`, the port stays. */
export class ControlledServer {
  readonly kind: 'redis' | 'memcached';
  readonly extraArgs: readonly string[];
  #server: StartedServer;

  private constructor(kind: 'redis' | 'memcached', server: StartedServer, extraArgs: readonly string[]) {
    this.kind = kind;
    this.#server = server;
    this.extraArgs = extraArgs;
  }

  /** Starts a server of its own for this test file; `extraArgs` go on its command line. */
  static async start(kind: 'redis' | 'memcached', extraArgs: readonly string[] = []): Promise<ControlledServer> {
    const server = kind === 'redis' ? await startRedis(extraArgs) : await startMemcached(extraArgs);
    return new ControlledServer(kind, server, extraArgs);
  }

  get port(): number {
    return this.#server.port;
  }

  get address(): string {
    return this.#server.address;
  }

  /** Stops the process (its data is lost); the port is closed until `startAgain`. */
  async kill(): Promise<void> {
    await stopServer(this.#server);
  }

  /** Starts a fresh, empty server on the same port and waits until it answers. */
  async startAgain(): Promise<void> {
    this.#server = await spawnOnPort(this.kind, this.#server.port, this.extraArgs);
  }

  /** Kills the server and starts an empty one on the same port: a restart that loses the data. */
  async restart(): Promise<void> {
    await this.kill();
    await this.startAgain();
  }

  /** Stops the server for good. */
  async stop(): Promise<void> {
    await this.kill();
  }
}

/** The command line of a server of `kind` on `port`, as `servers.ts` builds it. */
function commandLine(kind: 'redis' | 'memcached', port: number, dir: string, extraArgs: readonly string[]): [string, string[]] {
  if (kind === 'redis') {
    return [
      'redis-server',
      ['--bind', TEST_HOST, '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--logfile', join(dir, 'server.log'), ...extraArgs],
    ];
  }
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  return ['memcached', ['-l', TEST_HOST, '-p', String(port), '-U', '0', '-m', '64', ...asRoot, ...extraArgs]];
}

/** Spawns a server on a given port (the one a killed server had) and waits until it answers. */
async function spawnOnPort(kind: 'redis' | 'memcached', port: number, extraArgs: readonly string[]): Promise<StartedServer> {
  const dir = mkdtempSync(join(tmpdir(), `easy-cache-restart-${kind}-${port}-`));
  const [command, args] = commandLine(kind, port, dir, extraArgs);
  const child = spawn(command, args, { cwd: dir, stdio: 'ignore' });
  child.unref();
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => (child.pid === undefined ? reject(new Error(`${command}: no pid`)) : resolve(child.pid)));
    child.once('error', reject);
  });
  const server: StartedServer = { kind, host: TEST_HOST, port, address: `${TEST_HOST}:${port}`, pid, dir };
  const probe = kind === 'redis' ? 'PING\r\n' : 'version\r\n';
  const expected = kind === 'redis' ? '+PONG' : 'VERSION';
  try {
    await waitUntil(`${command} again on port ${port}`, async () => (await ask(port, probe, (text) => text.includes('\r\n'))).startsWith(expected), child);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}
