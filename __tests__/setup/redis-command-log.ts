/**
 * Records the commands an ioredis client sends and the moment each reply arrives, by wrapping the
 * client's own `sendCommand` (pipelines and Cluster routing go through it too). A batch is one
 * round trip when every command of it was sent before the first reply came back.
 */
import type { Cluster, Command, Redis } from 'ioredis';

/** One entry of the log: a command sent, or the reply to one. */
export interface CommandEvent {
  readonly type: 'send' | 'reply';
  /** The command name in lower case (`mget`, `set`, ...). */
  readonly name: string;
  /** The command's arguments as text. */
  readonly args: string[];
}

/** A running record of commands; `stop()` puts the client's `sendCommand` back. */
export interface CommandLog {
  readonly events: CommandEvent[];
  /** The names of the commands sent so far. */
  sent(): string[];
  /** Whether every command sent so far went out before the first reply: one round trip. */
  oneRoundTrip(): boolean;
  stop(): void;
}

/** Starts recording `client`'s commands. */
export function logCommands(client: Redis | Cluster): CommandLog {
  const events: CommandEvent[] = [];
  const original = client.sendCommand;
  const wrapped = function (this: Redis | Cluster, command: Command, ...rest: unknown[]): unknown {
    const name = command.name.toLowerCase();
    const args = command.args.map((arg) => (Buffer.isBuffer(arg) ? arg.toString() : String(arg)));
    events.push({ type: 'send', name, args });
    command.promise.then(
      () => events.push({ type: 'reply', name, args }),
      () => events.push({ type: 'reply', name, args }),
    );
    return (original as (...params: unknown[]) => unknown).call(this, command, ...rest);
  };
  client.sendCommand = wrapped as typeof client.sendCommand;
  return {
    events,
    sent: () => events.filter((event) => event.type === 'send').map((event) => event.name),
    oneRoundTrip: () => {
      const firstReply = events.findIndex((event) => event.type === 'reply');
      const lastSend = events.map((event) => event.type).lastIndexOf('send');
      return firstReply === -1 || lastSend < firstReply;
    },
    stop: () => {
      client.sendCommand = original;
    },
  };
}
