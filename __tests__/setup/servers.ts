/**
 * Start and stop real redis-server, Redis Cluster and memcached processes on loopback ports, for
 * the test suites, the fault tests and the benchmarks. Every server binds 127.0.0.1 on a free
 * port, keeps its files in a temporary directory of its own and is stopped by its PID.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { READY_TIMEOUT_MS, TEST_HOST, ask, spawnServer, stopServer, waitUntil, type StartedServer } from './server-process';

export { TEST_HOST, freePort, hasBinary, killServersSync, stopServer, type StartedServer } from './server-process';

/** A Redis Cluster of masters started by `startRedisCluster`. */
export interface StartedCluster {
  readonly nodes: readonly StartedServer[];
  /** The masters' `host:port` addresses. */
  readonly addresses: readonly string[];
}

/** Whether a Redis node answers PING. */
function redisAnswers(port: number): Promise<boolean> {
  return ask(port, 'PING\r\n', (text) => text.includes('\r\n')).then((text) => text.startsWith('+PONG'));
}

/** Whether a memcached answers `version`. */
function memcachedAnswers(port: number): Promise<boolean> {
  return ask(port, 'version\r\n', (text) => text.includes('\r\n')).then((text) => text.startsWith('VERSION'));
}

/** The reply of `CLUSTER INFO` on one node. */
export function clusterInfo(port: number): Promise<string> {
  return ask(port, 'CLUSTER INFO\r\n', (text) => text.includes('cluster_stats_messages') || text.startsWith('-'));
}

/** Arguments shared by stand-alone and cluster redis-server processes: loopback, no persistence. */
function redisArgs(port: number, dir: string): string[] {
  return [
    '--bind', TEST_HOST,
    '--port', String(port),
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--dir', dir,
    '--logfile', join(dir, 'server.log'),
  ];
}

/** Starts a stand-alone redis-server; `extraArgs` are appended (for example `--maxmemory 1mb`). */
export function startRedis(extraArgs: readonly string[] = []): Promise<StartedServer> {
  return spawnServer('redis', 'redis-server', (port, dir) => [...redisArgs(port, dir), ...extraArgs], redisAnswers);
}

/** Runs `redis-cli` with `args` and resolves to its output; rejects with its output when it fails. */
export function redisCli(args: readonly string[], timeoutMs = READY_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Sends one inline command to a Redis node; resolves to its one-line reply, rejects on an error reply. */
async function redisCommand(port: number, command: string): Promise<string> {
  const reply = await ask(port, `${command}\r\n`, (text) => text.includes('\r\n'));
  if (reply.startsWith('-')) throw new Error(`${command} on port ${port}: ${reply.trim()}`);
  return reply.trim();
}

/**
 * Does what `redis-cli --cluster create --cluster-replicas 0` does: splits the 16384 slots evenly
 * over the nodes, gives each its own config epoch and introduces them to the first node.
 */
async function joinCluster(nodes: readonly StartedServer[]): Promise<void> {
  const slots = 16384;
  await Promise.all(
    nodes.map(async (node, index) => {
      const first = Math.floor((slots * index) / nodes.length);
      const last = Math.floor((slots * (index + 1)) / nodes.length) - 1;
      await redisCommand(node.port, `CLUSTER ADDSLOTSRANGE ${first} ${last}`);
      await redisCommand(node.port, `CLUSTER SET-CONFIG-EPOCH ${index + 1}`);
    }),
  );
  const [head, ...rest] = nodes;
  if (!head) return;
  for (const node of rest) await redisCommand(head.port, `CLUSTER MEET ${node.host} ${node.port}`);
}

/**
 * Starts one redis-server with cluster mode on, not yet part of any cluster; `nodeTimeoutMs` is how
 * long a silent node takes to count as failed (and its replica to take over).
 */
export function startClusterNode(nodeTimeoutMs = 5000): Promise<StartedServer> {
  return spawnServer(
    'redis-cluster-node',
    'redis-server',
    (port, dir) => [
      ...redisArgs(port, dir),
      '--cluster-enabled', 'yes',
      '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', String(nodeTimeoutMs),
    ],
    redisAnswers,
  );
}

/**
 * Starts a Redis Cluster of `masters` masters (at least 3, as `redis-cli --cluster create`
 * requires) without replicas, and waits until every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<StartedCluster> {
  const started = await Promise.allSettled(Array.from({ length: masters }, () => startClusterNode()));
  const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  try {
    if (failed) throw failed.reason;
    const addresses = nodes.map((node) => node.address);
    // Joining the nodes by hand is a second faster than `redis-cli --cluster create`, which sleeps a
    // whole second between its checks; the CLI remains the way for servers without ADDSLOTSRANGE.
    await joinCluster(nodes).catch(() =>
      redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']),
    );
    for (const node of nodes) {
      await waitUntil(`cluster node ${node.address}`, async () =>
        (await clusterInfo(node.port)).includes('cluster_state:ok'),
      );
    }
    return { nodes, addresses };
  } catch (error) {
    await Promise.all(nodes.map((node) => stopServer(node)));
    throw error;
  }
}

/** Starts a memcached with 64 MB of memory and UDP off. */
export function startMemcached(extraArgs: readonly string[] = []): Promise<StartedServer> {
  // memcached refuses to run as root unless told which user to stay.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  return spawnServer(
    'memcached',
    'memcached',
    (port) => ['-l', TEST_HOST, '-p', String(port), '-U', '0', '-m', '64', ...asRoot, ...extraArgs],
    memcachedAnswers,
  );
}
