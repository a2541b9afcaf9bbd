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

/** Wait before the n-th resend after the first, times n (at most `MAX_RESEND_DELAY_MS`): lets an election finish. */
const RESEND_DELAY_MS = 100;
const MAX_RESEND_DELAY_MS = 1000;

/** Whether `error` says the cluster's layout is changing (the command was not run where it was sent). */
export function isTopologyChange(error: unknown): boolean {
  return error instanceof Error && TOPOLOGY_CHANGE.test(error.message);
}

/**
 * The commands of one `RedisCache` on a Cluster. A command that fails because the cluster is
 * changing is sent again on its own, at once and then with growing pauses, for as long as
 * `resendForMs` after its first failure (the backend's `backendTimeoutMs`: after that its caller
 * has been answered without it), so a call waits out an election that its bound allows.
 */
export class ClusterCommands {
  readonly cluster: Cluster;
  readonly #resendForMs: number;

  constructor(cluster: Cluster, resendForMs: number) {
    this.cluster = cluster;
    this.#resendForMs = resendForMs;
  }

  /** `name args`: through the client's own path first (auto-pipelined when the client is set so), then on its own. */
  command<T>(name: string, args: CommandArgs): Promise<T> {
    return (this.cluster.call(name, ...args) as Promise<T>).catch((error: unknown) => this.#resend<T>(name, args, error));
  }

  /**
   * The commands as one explicit pipeline (one slot's commands, so one round trip); each command
   * that failed because the cluster is changing is sent again on its own, and the first other
   * failure is thrown. Resolves to the replies in order.
   */
  async pipeline(commands: readonly PipelineCommand[]): Promise<unknown[]> {
    const sent = this.cluster.pipeline(commands.map((command) => ['call', ...command])).exec();
    // A pipeline refused as a whole (the cluster not ready) fails each of its commands alike.
    const results = (await sent.catch((error: unknown) => commands.map((): [unknown, unknown] => [error, undefined]))) ?? [];
    return Promise.all(
      commands.map(([name, ...args], index) => {
        const [error, reply] = results[index] ?? [new Error(`no reply to ${name} in the pipeline`)];
        return error ? this.#resend(name, args, error) : reply;
      }),
    );
  }

  /** Sends `name args` on its own after `error`, while the errors say the cluster is changing and time is left. */
  async #resend<T>(name: string, args: CommandArgs, error: unknown): Promise<T> {
    const deadline = performance.now() + this.#resendForMs;
    let last = error;
    for (let attempt = 0; isTopologyChange(last) && this.cluster.status !== 'end'; attempt += 1) {
      const left = deadline - performance.now();
      // The first resend goes at once (a MOVED is usually fixed by it); later ones only while time is left.
      if (attempt > 0 && left <= 0) break;
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(RESEND_DELAY_MS * attempt, MAX_RESEND_DELAY_MS, left)));
      try {
        const { Command } = ioredis();
        return (await this.cluster.sendCommand(new Command(name, args, { replyEncoding: 'utf8' }))) as T;
      } catch (next) {
        last = next;
      }
    }
    throw last;
  }
}
