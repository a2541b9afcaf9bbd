/**
 * One process of the near cache race across processes (near-race-rig.ts), run as
 * `node ts-node/dist/bin.js --transpile-only <this file>` with an IPC channel.
 *
 * A reader calls a cached function through a `RedisCache` with `nearCache` in a few concurrent
 * loops and logs every call (when it started, the version it got, which computation made it), every
 * computation it ran (the version it read, when its entry was stored), and when each
 * marker key's push reached its near cache. A writer bumps an item's version on the server
 * (`INCR`), invalidates the item (by key, tag, prefix, raw `DEL` or raw `SET` of the entry),
 * then writes a marker key under the prefix: Redis pushes the marker after the invalidation's own
 * push, on the same connection, so the marker's arrival bounds the invalidation's push.
 *
 * Times are `performance.timeOrigin + performance.now()`: one clock for every process of a host.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import Redis from 'ioredis';
import { cached, caches, type CacheEvent, type CacheInstance } from '../../lib';
import { RedisCache } from '../../lib/backends/redis';
import { NearTier } from '../../lib/backends/near/near-tier';

/** How the writer invalidates: the library's three ways, and a raw write or delete of the entry. */
export const FLAVOURS = ['key', 'tag', 'prefix', 'raw-del', 'raw-set'] as const;
export type Flavour = (typeof FLAVOURS)[number];

/** Orders from the parent. */
export type ToWorker =
  | { type: 'start'; role: 'reader' | 'writer'; address: string; prefix: string; ids: number; loops: number; deaf: boolean }
  | { type: 'read' }
  | { type: 'write'; rounds: number; pauseMs: number }
  | { type: 'mark'; n: number }
  | { type: 'drain'; after: number }
  | { type: 'report' }
  | { type: 'stop' };

/** One call: item, version got, computation that made the value, start, answered by the near cache (1) or not (0). */
export type ReadLog = [id: number, version: number, by: string, start: number, near: 0 | 1];

/** One run of the function in a reader. `storedAt`: when its entry was stored, 0 if it was not. */
export interface ComputationLog {
  readonly by: string;
  readonly version: number;
  storedAt: number;
}

/** One invalidation of the writer: `ok` false when it rejected (it may or may not have landed). */
export interface InvalidationLog {
  readonly n: number;
  readonly id: number;
  readonly version: number;
  readonly flavour: Flavour;
  readonly ok: boolean;
  readonly sentAt: number;
  readonly resolvedAt: number;
  /** When the SET of marker `n`, sent after the invalidation resolved, resolved. */
  readonly markedAt: number;
}

/** Everything a reader saw. `markers`: [n, when the push of marker n reached the near cache]. */
export interface ReaderLog {
  readonly pid: number;
  readonly deaf: boolean;
  readonly reads: ReadLog[];
  readonly computations: ComputationLog[];
  readonly markers: [number, number][];
  readonly errors: number;
  readonly bypassed: number;
}

/** Reports to the parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'written'; invalidations: InvalidationLog[] }
  | { type: 'marked'; n: number }
  | { type: 'drained' }
  | { type: 'log'; log: ReaderLog };

const clock = (): number => performance.timeOrigin + performance.now();
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const send = (message: FromWorker): void => void process.send?.(message);
const MARK = 'mark:';

let settings: Extract<ToWorker, { type: 'start' }>;
let raw: Redis;
let backend: CacheInstance & { nearCacheState: string; close(): Promise<void> };
let item: ReturnType<typeof itemFunction>;
const sourceKey = (id: number): string => `${settings.prefix}-source:${id}`;

/** Where calls and computations meet: the call that starts a computation owns its record. */
interface CallRecord {
  near: boolean;
  computation: ComputationLog | undefined;
}
const context = new AsyncLocalStorage<CallRecord>();
const reads: ReadLog[] = [];
const computations: ComputationLog[] = [];
const markers: [number, number][] = [];
let errors = 0;
let bypassed = 0;
let reading = false;
let loopsDone: Promise<void> | undefined;
let drainAfter = Infinity;

/** The function under test: the item's version read from the server, and who computed it. */
function itemFunction() {
  let runs = 0;
  const onEvent = (event: CacheEvent): void => {
    const record = context.getStore();
    if (event.type === 'hit' && event.tier === 'near' && record) record.near = true;
    if (event.type === 'set' && record?.computation) record.computation.storedAt = clock();
  };
  const fn = async (id: number) => {
    if (settings.role === 'writer') throw new Error('the writer never computes');
    const version = Number((await raw.get(sourceKey(id))) ?? 0);
    const computation: ComputationLog = { by: `${process.pid}:${++runs}`, version, storedAt: 0 };
    computations.push(computation);
    const record = context.getStore();
    if (record) record.computation = computation;
    return { id, version, by: computation.by };
  };
  return cached(fn, { cacheKey: 'item:{id}', tags: ['item:{id}'], prefix: 'group:{id}', timeout: 60, cacheInstance: backend, onError: () => undefined, onEvent });
}

/**
 * Records when the near cache dropped each marker. A deaf reader (the oracle's own check that it
 * is not blind) also drops every push but the markers: its near cache then serves old values.
 */
function watchPushes(deaf: boolean): void {
  const invalidate = NearTier.prototype.invalidate;
  NearTier.prototype.invalidate = function (this: NearTier, keys: readonly string[] | null): void {
    invalidate.call(this, deaf && keys !== null ? keys.filter((key) => key.startsWith(MARK)) : keys);
    const at = clock();
    for (const key of keys ?? []) {
      if (!key.startsWith(MARK)) continue;
      const n = Number(key.slice(MARK.length));
      markers.push([n, at]);
      if (n > drainAfter) send({ type: 'drained' });
    }
  };
}

async function start(order: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  settings = order;
  const [host = '127.0.0.1', port = '6379'] = order.address.split(':');
  raw = new Redis({ host, port: Number(port) });
  const isReader = order.role === 'reader';
  if (isReader) {
    watchPushes(order.deaf);
    caches.onEvent((event) => void (event.type === 'near-cache-bypassed' && (bypassed += 1)));
  }
  backend = new RedisCache({ host, port: Number(port) }, { prefix: order.prefix, backendTimeoutMs: 2000, ...(isReader ? { nearCache: {} } : {}) });
  item = itemFunction();
  if (!isReader) return;
  while (backend.nearCacheState !== 'trusted') await sleep(10);
  // Every item held in the near cache before the writer starts.
  for (let id = 0; id < order.ids; id++) await context.run({ near: false, computation: undefined }, () => item(id));
}

async function readLoop(): Promise<void> {
  while (reading) {
    const id = Math.floor(Math.random() * settings.ids);
    const record: CallRecord = { near: false, computation: undefined };
    const start = clock();
    try {
      const value = await context.run(record, () => item(id));
      reads.push([value.id === id ? id : -1, value.version, value.by, start, record.near ? 1 : 0]);
    } catch {
      errors += 1;
    }
    // A near hit never waits for I/O: without a turn, the loops would starve the pushes.
    await nextTurn();
  }
}

async function invalidate(flavour: Flavour, id: number): Promise<void> {
  const storedKey = `${settings.prefix}:${item.getCacheKey(id)}`;
  if (flavour === 'key') await item.invalidateCacheByKey(id);
  else if (flavour === 'tag') await item.invalidateCacheByTags(['item:{id}'], id);
  else if (flavour === 'prefix') await item.invalidateCacheByPrefix(id);
  else if (flavour === 'raw-del') await raw.del(storedKey);
  else await raw.set(storedKey, 'not an entry');
}

async function mark(n: number): Promise<number> {
  await raw.set(`${settings.prefix}:${MARK}${n}`, '1', 'PX', 60_000);
  return clock();
}

async function write(rounds: number, pauseMs: number): Promise<InvalidationLog[]> {
  const log: InvalidationLog[] = [];
  for (let n = 1; n <= rounds; n++) {
    const id = n % settings.ids;
    const flavour = FLAVOURS[n % FLAVOURS.length] as Flavour;
    const version = await raw.incr(sourceKey(id));
    const sentAt = clock();
    let ok = true;
    await invalidate(flavour, id).catch(() => (ok = false));
    const resolvedAt = clock();
    log.push({ n, id, version, flavour, ok, sentAt, resolvedAt, markedAt: await mark(n) });
    await sleep(pauseMs);
  }
  return log;
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      void start(message).then(() => send({ type: 'ready' }));
      break;
    case 'read':
      reading = true;
      loopsDone = Promise.all(Array.from({ length: settings.loops }, readLoop)).then(() => undefined);
      break;
    case 'write':
      void write(message.rounds, message.pauseMs).then((invalidations) => send({ type: 'written', invalidations }));
      break;
    case 'mark':
      void mark(message.n).then(() => send({ type: 'marked', n: message.n }));
      break;
    case 'drain':
      drainAfter = message.after;
      if (markers.some(([n]) => n > drainAfter)) send({ type: 'drained' });
      break;
    case 'report':
      reading = false;
      void Promise.resolve(loopsDone).then(() => send({ type: 'log', log: { pid: process.pid, deaf: settings.deaf, reads, computations, markers, errors, bypassed } }));
      break;
    case 'stop':
      raw?.disconnect();
      void Promise.resolve(backend?.close()).finally(() => process.exit(0));
      break;
  }
});
