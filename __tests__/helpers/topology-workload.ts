/**
 * Calls that run without pause against a backend while a test changes the servers under it, with
 * an oracle over every answer:
 * - readers call a cached, tagged function of a record (`strict`, so any backend failure reaches
 *   the caller) and check that it is never older than the last invalidation that had resolved
 *   when the call started;
 * - writers change a record, then invalidate it (by tag, or by key), and count a rejection;
 * - a batch loop writes a few keys with `setMany`, reads them back with `getMany`, and checks
 *   that it reads what it wrote.
 */
import { cached, invalidateCacheTags, type CacheInstance } from '../../lib';
import { sleep } from '../setup/server-process';

/** What the workload saw. */
export interface WorkloadReport {
  /** Calls and invalidations that completed. */
  readonly calls: number;
  readonly invalidations: number;
  /** Every failure a caller saw (rejections, and errors reported through `onError`). */
  readonly errors: string[];
  /** Every answer the oracle refused. */
  readonly wrong: string[];
}

const READERS = 12;
const WRITERS = 2;
const BATCH_KEYS = 8;

export class TopologyWorkload {
  readonly #backend: CacheInstance;
  readonly #records: number;
  /** The "database": the current version of each record. */
  readonly #current = new Map<number, number>();
  /** The version of each record whose invalidation has resolved. */
  readonly #committed = new Map<number, number>();
  readonly #errors: string[] = [];
  readonly #wrong: string[] = [];
  readonly #loops: Promise<void>[] = [];
  #calls = 0;
  #invalidations = 0;
  #running = false;
  #writersPaused = false;
  #writing = 0;

  readonly #getRecord;

  constructor(backend: CacheInstance, records: number) {
    this.#backend = backend;
    this.#records = records;
    this.#getRecord = cached(async (id: number) => ({ id, version: this.#current.get(id) ?? 0 }), {
      cacheKey: 'record:{id}',
      tags: ['record:{id}'],
      cacheInstance: backend,
      strict: true,
      onError: (error) => this.#errors.push(`reported: ${error.message}`),
    });
  }

  /** Starts the loops. */
  start(): void {
    this.#running = true;
    for (let i = 0; i < READERS; i++) this.#loops.push(this.#loop(() => this.#read()));
    for (let i = 0; i < WRITERS; i++) this.#loops.push(this.#loop(() => this.#write(i)));
    this.#loops.push(this.#loop(() => this.#batch()));
  }

  /** Calls (reads, invalidations, batches) completed so far. */
  get completed(): number {
    return this.#calls + this.#invalidations;
  }

  /** Resolves once `count` more calls have completed than when it was called. */
  async whileRunning(count: number): Promise<void> {
    const target = this.completed + count;
    while (this.completed < target) await sleep(5);
  }

  /** Stops starting invalidations and waits for those under way. */
  async pauseWriters(): Promise<void> {
    this.#writersPaused = true;
    while (this.#writing > 0) await sleep(5);
  }

  resumeWriters(): void {
    this.#writersPaused = false;
  }

  /** Stops the loops and reports. */
  async stop(): Promise<WorkloadReport> {
    this.#running = false;
    await Promise.all(this.#loops);
    return { calls: this.#calls, invalidations: this.#invalidations, errors: this.#errors, wrong: this.#wrong };
  }

  async #loop(step: () => Promise<void>): Promise<void> {
    while (this.#running) {
      try {
        await step();
      } catch (error) {
        this.#errors.push((error as Error).message);
      }
      // Let the event loop breathe between steps of a loop (timers, the test's own waits).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #pick(): number {
    return Math.floor(Math.random() * this.#records);
  }

  async #read(): Promise<void> {
    const id = this.#pick();
    const floor = this.#committed.get(id) ?? 0;
    const record = await this.#getRecord(id);
    this.#calls += 1;
    if (record.id !== id || record.version < floor) {
      this.#wrong.push(`record ${id}: read version ${record.version} (of ${record.id}) after version ${floor} was invalidated`);
    }
  }

  async #write(writer: number): Promise<void> {
    if (this.#writersPaused) {
      await sleep(5);
      return;
    }
    const id = this.#pick();
    const version = (this.#current.get(id) ?? 0) + 1;
    this.#current.set(id, version);
    this.#writing += 1;
    try {
      if (writer % 2 === 0) await invalidateCacheTags(`record:${id}`, { cacheInstance: this.#backend });
      else await this.#getRecord.invalidateCacheByKey(id);
    } finally {
      this.#writing -= 1;
    }
    this.#invalidations += 1;
    if ((this.#committed.get(id) ?? 0) < version) this.#committed.set(id, version);
  }

  async #batch(): Promise<void> {
    const round = String(this.#calls);
    const keys = Array.from({ length: BATCH_KEYS }, (_, i) => `batch:${i}`);
    await this.#backend.setMany(new Map(keys.map((key) => [key, round])), 60);
    const found = await this.#backend.getMany(keys);
    this.#calls += 1;
    for (const key of keys) {
      if (found.get(key) !== round) this.#wrong.push(`${key}: read ${String(found.get(key))} after writing ${round}`);
    }
  }
}
