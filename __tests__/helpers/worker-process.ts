/**
 * A TypeScript worker process of a multi-process test, run as
 * `node ts-node/dist/bin.js --transpile-only <script>` with an IPC channel: what it reported, and
 * waits for its messages (never sleeps). Shared by the lock herd and the near cache race.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

/** One worker process running `script`; `To` are the orders it takes, `From` the reports it sends. */
export class WorkerProcess<To, From> {
  readonly child: ChildProcess;
  readonly messages: From[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(script: string) {
    this.child = spawn(process.execPath, [TS_NODE, '--transpile-only', script], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: From) => {
      this.messages.push(message);
      for (const listener of this.#listeners) listener();
    });
    this.child.on('exit', () => {
      for (const listener of this.#listeners) listener();
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(message: To): void {
    this.child.send(message as object);
  }

  /** Resolves to true once `condition()` holds (checked on each message), to false after `limitMs`; rejects if the worker exits first. */
  waitFor(condition: () => boolean, limitMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(false), limitMs);
      const check = (): void => {
        if (condition()) finish(true);
        else if (!this.alive) finish(new Error(`worker ${this.child.pid} exited`));
      };
      const finish = (outcome: boolean | Error): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Sends `order` (the worker's own way to end) and waits until the process has exited. */
  stop(order: To): Promise<void> {
    return new Promise((resolve) => {
      if (!this.alive) return resolve();
      this.child.once('exit', () => resolve());
      this.send(order);
    });
  }
}
