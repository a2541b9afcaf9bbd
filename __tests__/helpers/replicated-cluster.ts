/**
 * A Redis Cluster of three masters and three replicas that one test file (or a drill) starts for
 * itself, on free loopback ports with its own temporary directories, and changes while calls run:
 * kill a master and wait for its replica to take over, a manual `CLUSTER FAILOVER`, moving slots
 * from one master to another. Every change waits for the cluster to agree on it (roles, slot
 * owners, `cluster_state:ok` on every live node), never for a fixed time. `stop()` stops exactly
 * the processes it started.
 */
import { ask, waitUntil } from '../setup/server-process';
import { clusterInfo, hasBinary, killServersSync, redisCli, startClusterNode, stopServer, type StartedServer } from '../setup/servers';

/** A node timeout short enough for a quick failover, long enough not to fire on a loaded machine. */
const NODE_TIMEOUT_MS = 3000;
/** How long a topology change may take to settle (elections wait for the node timeout and more). */
const SETTLE_TIMEOUT_MS = 60_000;

/** One line of `CLUSTER NODES`, as one node sees it. */
export interface ClusterNodeView {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** Flagged `fail` (or `fail?`) by the node that was asked. */
  readonly failing: boolean;
  /** The id of its master, for a replica. */
  readonly masterId: string | undefined;
  /** The number of slots it serves. */
  readonly slotCount: number;
  /** Its slot ranges as `CLUSTER NODES` prints them (`0-5460`). */
  readonly slotRanges: readonly string[];
}

/** Whether this machine has what the replicated cluster needs. */
export function canStartReplicatedCluster(): boolean {
  return hasBinary('redis-server') && hasBinary('redis-cli');
}

/** The text of the bulk reply (`$<length>` and the text) to `command` on the node at `port`. */
async function bulkReply(port: number, command: string): Promise<string> {
  const reply = await ask(port, `${command}\r\n`, (text) => {
    const header = /^\$(\d+)\r\n/.exec(text);
    return text.startsWith('-') || (header !== null && Buffer.byteLength(text) >= header[0].length + Number(header[1]) + 2);
  });
  if (reply.startsWith('-')) throw new Error(`${command} on port ${port}: ${reply.trim()}`);
  return reply.slice(reply.indexOf('\n') + 1);
}

const clusterNodes = (port: number): Promise<string> => bulkReply(port, 'CLUSTER NODES');
const replicationInfo = (port: number): Promise<string> => bulkReply(port, 'INFO replication');

/** A number field (`name:123`) of an `INFO` text, or -1. */
function replicationField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : -1;
}

/** Parses the reply of `CLUSTER NODES`. */
function parseNodes(text: string): ClusterNodeView[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', address = '', flags = '', master = '-', , , , , ...slots] = line.trim().split(' ');
      const flagList = flags.split(',');
      const ranges = slots.filter((slot) => !slot.startsWith('['));
      const slotCount = ranges.reduce((sum, range) => {
        const [first = '0', last = first] = range.split('-');
        return sum + Number(last) - Number(first) + 1;
      }, 0);
      return {
        id,
        port: Number(address.split('@')[0]?.split(':')[1]),
        role: flagList.includes('master') ? 'master' : 'replica',
        failing: flagList.includes('fail') || flagList.includes('fail?'),
        masterId: master === '-' ? undefined : master,
        slotCount,
        slotRanges: ranges,
      } satisfies ClusterNodeView;
    });
}

export class ReplicatedCluster {
  readonly #nodes: StartedServer[];
  readonly #killed = new Set<number>();

  /** Kills the nodes if the process exits before `stop()` (a drill interrupted, a test run cut short). */
  readonly #onExit = (): void => killServersSync(this.#nodes);

  private constructor(nodes: StartedServer[]) {
    this.#nodes = nodes;
    process.once('exit', this.#onExit);
  }

  /** Starts six nodes and joins them as three masters with one replica each; waits until all agree. */
  static async start(): Promise<ReplicatedCluster> {
    const started = await Promise.allSettled(Array.from({ length: 6 }, () => startClusterNode(NODE_TIMEOUT_MS)));
    const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const cluster = new ReplicatedCluster(nodes);
    try {
      const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      await redisCli(['--cluster', 'create', ...nodes.map((node) => node.address), '--cluster-replicas', '1', '--cluster-yes'], SETTLE_TIMEOUT_MS);
      await cluster.#settled('the cluster to form', (views) => views.filter((view) => view.role === 'master' && view.slotCount > 0).length === 3 && views.filter((view) => view.role === 'replica').length === 3);
      await cluster.#replicasInSync();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** The addresses of the nodes still running, for an ioredis `Cluster`'s start-up list. */
  get startupNodes(): { host: string; port: number }[] {
    return this.#live().map((node) => ({ host: node.host, port: node.port }));
  }

  /** What a live node says of every node. */
  async view(): Promise<ClusterNodeView[]> {
    const [asked] = this.#live();
    if (!asked) throw new Error('replicated cluster: no node is running');
    return parseNodes(await clusterNodes(asked.port));
  }

  /** The masters that serve slots, as a live node sees them. */
  async masters(): Promise<ClusterNodeView[]> {
    return (await this.view()).filter((node) => node.role === 'master' && node.slotCount > 0 && !node.failing);
  }

  /** The replica of the master on `masterPort`. */
  async replicaOf(masterPort: number): Promise<ClusterNodeView> {
    const views = await this.view();
    const master = views.find((node) => node.port === masterPort);
    const replica = views.find((node) => node.masterId === master?.id && !node.failing);
    if (!replica) throw new Error(`replicated cluster: the master on port ${masterPort} has no replica`);
    return replica;
  }

  /**
   * Waits until the replica of the master on `port` holds every write the master had, SIGKILLs
   * the master, calls `afterKill`, and waits until the replica serves the master's slots, as
   * every live node sees it.
   */
  async killMaster(port: number, { afterKill }: { afterKill?: () => void } = {}): Promise<void> {
    await this.#replicasInSync();
    const replica = await this.replicaOf(port);
    const node = this.#nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`replicated cluster: no node of ours on port ${port}`);
    const written = replicationField(await replicationInfo(port), 'master_repl_offset');
    await waitUntil(
      `the replica on ${replica.port} to catch up with ${port}`,
      async () => replicationField(await replicationInfo(replica.port), 'slave_repl_offset') >= written,
      undefined,
      SETTLE_TIMEOUT_MS,
    );
    process.kill(node.pid, 'SIGKILL');
    this.#killed.add(port);
    afterKill?.();
    await this.#settled(`the replica on ${replica.port} to take over from ${port}`, (views) =>
      views.some((view) => view.port === replica.port && view.role === 'master' && view.slotCount > 0),
    );
  }

  /** Runs `CLUSTER FAILOVER` on the replica of the master on `masterPort`; waits until the roles have swapped everywhere. */
  async manualFailover(masterPort: number): Promise<void> {
    const replica = await this.replicaOf(masterPort);
    await redisCli(['-h', '127.0.0.1', '-p', String(replica.port), 'CLUSTER', 'FAILOVER']);
    await this.#settled(`the replica on ${replica.port} to become master`, (views) =>
      views.some((view) => view.port === replica.port && view.role === 'master' && view.slotCount > 0) &&
      views.some((view) => view.port === masterPort && view.role === 'replica'),
    );
  }

  /**
   * Moves `count` slots (with their keys, by `MIGRATE`) from the master on `fromPort` to the one
   * on `toPort` with `redis-cli --cluster reshard`; waits until every live node agrees.
   */
  async moveSlots(fromPort: number, toPort: number, count: number): Promise<void> {
    const views = await this.view();
    const from = views.find((node) => node.port === fromPort);
    const to = views.find((node) => node.port === toPort);
    if (!from || !to) throw new Error(`replicated cluster: no master on ${fromPort} or ${toPort}`);
    const expected = to.slotCount + count;
    await redisCli(
      ['--cluster', 'reshard', `127.0.0.1:${toPort}`, '--cluster-from', from.id, '--cluster-to', to.id, '--cluster-slots', String(count), '--cluster-yes', '--cluster-pipeline', '10'],
      SETTLE_TIMEOUT_MS,
    );
    await this.#settled(`${count} slots to move from ${fromPort} to ${toPort}`, (all) =>
      all.some((view) => view.port === toPort && view.slotCount === expected),
    );
  }

  /** The first slots of the master on `port`, lowest first (the ones `moveSlots` takes). */
  async firstSlotsOf(port: number, count: number): Promise<number[]> {
    const master = (await this.view()).find((node) => node.port === port);
    const slots: number[] = [];
    for (const range of master?.slotRanges ?? []) {
      const [first = '0', last = first] = range.split('-');
      for (let slot = Number(first); slot <= Number(last) && slots.length < count; slot += 1) slots.push(slot);
    }
    return slots;
  }

  /** Stops every node this cluster started (the killed ones included) and removes their directories. */
  async stop(): Promise<void> {
    process.off('exit', this.#onExit);
    await Promise.all(this.#nodes.map((node) => stopServer(node)));
  }

  #live(): StartedServer[] {
    return this.#nodes.filter((node) => !this.#killed.has(node.port));
  }

  /**
   * Waits until every replica has finished its sync with its master: a replica that has never
   * synced does not stand for election, so a master killed before would stay failed.
   */
  async #replicasInSync(): Promise<void> {
    const replicas = (await this.view()).filter((view) => view.role === 'replica' && !this.#killed.has(view.port));
    for (const replica of replicas) {
      await waitUntil(
        `the replica on ${replica.port} to sync`,
        async () => (await replicationInfo(replica.port)).includes('master_link_status:up'),
        undefined,
        SETTLE_TIMEOUT_MS,
      );
    }
  }

  /** Waits until every live node reports `cluster_state:ok` and its own view satisfies `holds`. */
  async #settled(what: string, holds: (views: ClusterNodeView[]) => boolean): Promise<void> {
    await waitUntil(
      what,
      async () => {
        for (const node of this.#live()) {
          if (!(await clusterInfo(node.port)).includes('cluster_state:ok')) return false;
          if (!holds(parseNodes(await clusterNodes(node.port)))) return false;
        }
        return true;
      },
      undefined,
      SETTLE_TIMEOUT_MS,
    );
  }
}
