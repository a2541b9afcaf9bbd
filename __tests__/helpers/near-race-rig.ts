/**
 * The parent side of the near cache race across processes: reader processes with near caches
 * and one writer process (near-race-worker.ts) on one Redis, run for a number of invalidations,
 * then drained (every reader has had a push written after the last invalidation) and asked for
 * their logs. Every wait is for a message, never a sleep. Used by the test
 * (faults/near-race-processes.test.ts) and by the `near-race-processes` benchmark.
 */
import path from 'node:path';
import type { FromWorker, InvalidationLog, ReaderLog, ToWorker } from './near-race-worker';
import { WorkerProcess } from './worker-process';

const WORKER = path.join(__dirname, 'near-race-worker.ts');
/** The longest any one step may take (process start-up under ts-node on a loaded machine included). */
const STEP_LIMIT_MS = 120_000;

/** What to run. */
export interface NearRaceSettings {
  /** `host:port` of the Redis. */
  readonly address: string;
  readonly prefix: string;
  /** Reader processes whose near cache hears every push. */
  readonly readers: number;
  /** Reader processes whose near cache ignores every push but the markers (the oracle must catch them). */
  readonly deafReaders: number;
  /** Concurrent call loops per reader. */
  readonly loops: number;
  /** Items (each invalidation bumps one, in turn). */
  readonly ids: number;
  /** Invalidations the writer makes. */
  readonly rounds: number;
  /** Milliseconds the writer waits between two invalidations. */
  readonly pauseMs: number;
}

/** What the processes logged. */
export interface NearRaceLogs {
  readonly rounds: number;
  readonly invalidations: InvalidationLog[];
  readonly readers: ReaderLog[];
}

/** One worker process and what it reported. */
class RaceWorker extends WorkerProcess<ToWorker, FromWorker> {
  constructor() {
    super(WORKER);
  }

  /** The first message of `type`, once it came. */
  async next<T extends FromWorker['type']>(type: T, what: string): Promise<Extract<FromWorker, { type: T }>> {
    const found = () => this.messages.find((m): m is Extract<FromWorker, { type: T }> => m.type === type);
    if (!(await this.waitFor(() => found() !== undefined, STEP_LIMIT_MS))) throw new Error(`worker ${this.child.pid}: no ${what} within ${STEP_LIMIT_MS} ms`);
    return found() as Extract<FromWorker, { type: T }>;
  }
}

/** Runs the race (see the module comment) and returns every process's log. */
export async function runNearRace(settings: NearRaceSettings): Promise<NearRaceLogs> {
  const { address, prefix, ids, loops, rounds, pauseMs } = settings;
  const readers = Array.from({ length: settings.readers + settings.deafReaders }, () => new RaceWorker());
  const writer = new RaceWorker();
  try {
    readers.forEach((reader, index) => reader.send({ type: 'start', role: 'reader', address, prefix, ids, loops, deaf: index >= settings.readers }));
    writer.send({ type: 'start', role: 'writer', address, prefix, ids, loops, deaf: false });
    await Promise.all([...readers, writer].map((worker) => worker.next('ready', 'ready')));
    for (const reader of readers) reader.send({ type: 'read' });
    writer.send({ type: 'write', rounds, pauseMs });
    const { invalidations } = await writer.next('written', 'end of the invalidations');
    await drain(readers, writer, rounds);
    for (const reader of readers) reader.send({ type: 'report' });
    const logs = await Promise.all(readers.map((reader) => reader.next('log', 'log')));
    return { rounds, invalidations, readers: logs.map((message) => message.log) };
  } finally {
    await Promise.all([...readers, writer].map((worker) => worker.stop({ type: 'stop' })));
  }
}

/**
 * Writes markers after the last invalidation until every reader has had one pushed. One is
 * enough unless a reader's link was down when it was written (a lost push); then the next one.
 */
async function drain(readers: RaceWorker[], writer: RaceWorker, rounds: number): Promise<void> {
  for (const reader of readers) reader.send({ type: 'drain', after: rounds });
  const drained = (reader: RaceWorker) => reader.messages.some((message) => message.type === 'drained');
  for (let n = rounds + 1; ; n++) {
    writer.send({ type: 'mark', n });
    if (!(await writer.waitFor(() => writer.messages.some((m) => m.type === 'marked' && m.n === n), STEP_LIMIT_MS))) throw new Error(`marker ${n} was not written`);
    const all = await Promise.all(readers.map((reader) => reader.waitFor(() => drained(reader), 500)));
    if (all.every(Boolean)) return;
    if (n > rounds + STEP_LIMIT_MS / 500) throw new Error('a reader never had a marker pushed after the last invalidation');
  }
}
