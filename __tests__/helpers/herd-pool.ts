/**
 * The parent side of the lock herd: worker processes (herd-worker.ts) on one kind of server, the
 * barrier that starts their calls together, and waiting for what they report (never sleeping).
 */
import path from 'node:path';
import type { FromWorker, HerdKind, ToWorker } from './herd-worker';
import { WorkerProcess } from './worker-process';

const WORKER = path.join(__dirname, 'herd-worker.ts');

/** One worker process and everything it reported. */
export class HerdWorker extends WorkerProcess<ToWorker, FromWorker> {
  constructor() {
    super(WORKER);
  }

  /** The messages of `type` about herd `id` (any id when omitted). */
  reported<T extends FromWorker['type']>(type: T, id?: string): Extract<FromWorker, { type: T }>[] {
    return this.messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type && (id === undefined || !('id' in m) || m.id === id));
  }

  /** Resolves when `condition()` holds, checked on each message; rejects if the worker exits first or after `limitMs`. */
  async until(condition: () => boolean, what: string, limitMs = 90_000): Promise<void> {
    const held = await this.waitFor(condition, limitMs).catch((error: Error) => {
      throw new Error(`${error.message} before ${what}`);
    });
    if (!held) throw new Error(`worker ${this.child.pid}: ${what} did not happen within ${limitMs} ms`);
  }
}

/** Workers on one kind of server. */
export class HerdPool {
  workers: HerdWorker[] = [];
  readonly #start: Extract<ToWorker, { type: 'start' }>;

  constructor(kind: HerdKind, addresses: string[], prefix: string, backendTimeoutMs: number) {
    this.#start = { type: 'start', kind, addresses, prefix, backendTimeoutMs };
  }

  /** Starts workers until `size` are alive, each connected to the server. */
  async fill(size: number): Promise<void> {
    this.workers = this.workers.filter((worker) => worker.alive);
    const added: HerdWorker[] = [];
    while (this.workers.length + added.length < size) added.push(new HerdWorker());
    for (const worker of added) worker.send(this.#start);
    await Promise.all(added.map((worker) => worker.until(() => worker.reported('ready').length > 0, 'ready')));
    this.workers.push(...added);
  }

  /** Sends `herd` to every worker at once (they are all connected: the barrier). */
  herd(order: Extract<ToWorker, { type: 'herd' }>): void {
    for (const worker of this.workers) worker.send(order);
  }

  /** Resolves once every call of herd `id` in every worker missed, and one worker's function runs. */
  async allMissedAndOneRuns(id: string): Promise<HerdWorker> {
    await Promise.all(this.workers.map((worker) => worker.until(() => worker.reported('missed', id).length > 0, `a miss of ${id}`)));
    const running = () => this.workers.filter((worker) => worker.reported('running', id).length > 0);
    await Promise.race(this.workers.map((worker) => worker.until(() => running().length > 0, `a run of ${id}`)));
    const [owner] = running();
    if (!owner) throw new Error(`no worker runs ${id}`);
    return owner;
  }

  /** Lets every held function return. */
  finish(): void {
    for (const worker of this.workers) if (worker.alive) worker.send({ type: 'finish' });
  }

  /** The results of herd `id` of each living worker, once all have reported them. */
  async results(id: string): Promise<string[][]> {
    const living = this.workers.filter((worker) => worker.alive);
    await Promise.all(living.map((worker) => worker.until(() => worker.reported('done', id).length > 0, `the results of ${id}`)));
    return living.map((worker) => worker.reported('done', id)[0]?.results ?? []);
  }

  /** One more call of herd `id` in each living worker, after the herd. */
  async again(id: string): Promise<string[]> {
    const living = this.workers.filter((worker) => worker.alive);
    for (const worker of living) worker.send({ type: 'again', id });
    await Promise.all(living.map((worker) => worker.until(() => worker.reported('again-done', id).length > 0, `one more call of ${id}`)));
    return living.map((worker) => worker.reported('again-done', id)[0]?.result ?? '');
  }

  /** The lock outcomes each living worker reported for herd `id`. */
  lockOutcomes(id: string): string[][] {
    return this.workers.filter((worker) => worker.alive).map((worker) => worker.reported('lock', id).map((m) => m.outcome));
  }

  /** Stops every worker and waits for them to exit. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop({ type: 'stop' })));
  }
}
