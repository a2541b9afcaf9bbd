/**
 * Concurrent gets on memcached, gathered per server: for each server a get leaves at once as a
 * plain `get` unless the last lone `get` awaits its reply; then the gets leave together as one
 * `get k1 k2 ...` (see `ReadBatcher`).
 */
import { ReadBatcher } from '../shared/read-batch';
import { answer } from './client-replies';
import type { MemcachedClient } from './memcached-client';
import type { ClientCallback } from './pending-calls';

/** A client call through the backend's pending-call bound; `admitted`: calls already let in. */
export type RunClientCall = <T>(
  operation: string,
  key: string | undefined,
  invoke: (done: ClientCallback) => void,
  interpret: (error: unknown, result: unknown) => T,
  admitted?: number,
) => Promise<T>;

/** One `ReadBatcher` per server, made when the server is first read. */
export class ServerReads {
  readonly #readers = new Map<string, ReadBatcher<unknown>>();
  readonly #client: MemcachedClient;
  readonly #serverOf: (safeKey: string) => string;
  readonly #run: RunClientCall;

  constructor(client: MemcachedClient, serverOf: (safeKey: string) => string, run: RunClientCall) {
    this.#client = client;
    this.#serverOf = serverOf;
    this.#run = run;
  }

  /** The raw value under `safeKey`, or `undefined`; the call was admitted by the caller. */
  read(safeKey: string): Promise<unknown> {
    return this.#readerOf(safeKey).read(safeKey);
  }

  /** The batcher of the server that holds `safeKey`. */
  #readerOf(safeKey: string): ReadBatcher<unknown> {
    const server = this.#serverOf(safeKey);
    let reader = this.#readers.get(server);
    if (reader === undefined) {
      reader = new ReadBatcher(
        (key) => this.#run('get', key, (done) => this.#client.get(key, done), answer, 1),
        (keys) => this.#readTogether(keys),
      );
      this.#readers.set(server, reader);
    }
    return reader;
  }

  /** One `get k1 k2 ...` (all on one server); the raw values in key order. */
  #readTogether(keys: readonly string[]): Promise<readonly unknown[]> {
    return this.#run(
      'get',
      keys[0],
      (done) => this.#client.getMulti(keys as string[], done),
      (error, raws) => {
        const found = (answer(error, raws) ?? {}) as Record<string, unknown>;
        return keys.map((safeKey) => (Object.hasOwn(found, safeKey) ? found[safeKey] : undefined));
      },
      keys.length,
    );
  }
}
