/**
 * Commands on a Redis Cluster that ride out topology changes (a failover, slots moving between
 * masters), whether or not the client auto-pipelines.
 *
 * ioredis follows `MOVED` and `ASK` for a command sent on its own, but not for one of an
 * auto-pipeline (nor for an explicit pipeline whose replies differ): those reject with the
 * server's redirection. While slots move it also refuses a whole auto-pipeline whose keys no
 * longer map to one group of nodes ("All keys in the pipeline should belong to the same slots
 * allocation group"). A command that fails so was not run, so it is sent again on its own
 * (`sendCommand`, never auto-pipelined), where ioredis follows the redirection, waits out
 * `TRYAGAIN` and `CLUSTERDOWN`, and refreshes its slot map. The first attempt keeps the client's
 * own path, so a steady cluster costs what it did.
 */
import type { Cluster } from 'ioredis';
import { ioredis } from './redis-client';

/** The arguments of one command, as ioredis sends them. */
export type CommandArgs = (string | number | Buffer)[];

/** One command of a pipeline: its name and arguments. */
export type PipelineCommand = [name: string, ...args: CommandArgs];

/**
 * Errors that mean the cluster is changing under the command: redirections and refusals the
 * server sends while slots move or a master changes (`READONLY` from a master just demoted), the
 * pipeline refusal above, and the connection of a master that died closing (ioredis's own retries
 * on it give up after `maxRedirections`).
 */
const TOPOLOGY_CHANGE =
  /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|READONLY|LOADING|MASTERDOWN)\b|slots allocation group|Too many Cluster redirections|^Connection is closed/;

/** Sends made on their own after the first attempt failed, at most. */
const MAX_RESENDS = 8;
/** Wait before the n-th resend, times n: lets an election finish that ioredis's own retries did not see end. */
const RESEND_DELAY_MS = 100;

/** Whether `error` says the cluster's layout is changing (the command was not run where it was sent). */
export function isTopologyChange(error: unknown): boolean {
  return error instanceof Error && TOPOLOGY_CHANGE.test(error.message);
}

/**
 * `name args` on `cluster`: through the client's own path first (auto-pipelined when the client
 * is set so), then, if that failed because the cluster is changing, on its own until it succeeds,
 * fails otherwise, or `MAX_RESENDS` sends have failed.
 */
export function clusterCommand<T>(cluster: Cluster, name: string, args: CommandArgs): Promise<T> {
  return (cluster.call(name, ...args) as Promise<T>).catch((error: unknown) => resend<T>(cluster, name, args, error));
}

/**
 * The commands on `cluster` as one explicit pipeline (one slot's commands, so one round trip);
 * each command that failed because the cluster is changing is sent again on its own, and the
 * first other failure is thrown. Resolves to the replies in order.
 */
export async function clusterPipeline(cluster: Cluster, commands: readonly PipelineCommand[]): Promise<unknown[]> {
  const sent = cluster.pipeline(commands.map((command) => ['call', ...command])).exec();
  // A pipeline refused as a whole (the cluster not ready) fails each of its commands alike.
  const results = (await sent.catch((error: unknown) => commands.map((): [unknown, unknown] => [error, undefined]))) ?? [];
  return Promise.all(
    commands.map(([name, ...args], index) => {
      const [error, reply] = results[index] ?? [new Error(`no reply to ${name} in the pipeline`)];
      return error ? resend(cluster, name, args, error) : reply;
    }),
  );
}

/** Sends `name args` on its own after `error`, while the errors say the cluster is changing. */
async function resend<T>(cluster: Cluster, name: string, args: CommandArgs, error: unknown): Promise<T> {
  let last = error;
  for (let attempt = 1; attempt <= MAX_RESENDS && isTopologyChange(last) && cluster.status !== 'end'; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, RESEND_DELAY_MS * attempt));
    try {
      const { Command } = ioredis();
      return (await cluster.sendCommand(new Command(name, args, { replyEncoding: 'utf8' }))) as T;
    } catch (next) {
      last = next;
    }
  }
  throw last;
}
