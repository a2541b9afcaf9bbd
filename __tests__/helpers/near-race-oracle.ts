/**
 * The oracle of the near cache race across processes: judges the logs of near-race-rig.ts.
 *
 * A read of item `id` that got version `u` is stale when it started after an invalidation of a
 * newer version had resolved in the writer (the first such invalidation: `first`). The near
 * cache promises that this happens only before the push of that invalidation reached the
 * reader. The push itself carries no name of its invalidation, so its arrival is bounded by the
 * marker the writer wrote right after it: Redis pushes the marker after it, on the same
 * connection, so once the marker arrived the invalidation's push had too. The rule checked:
 *
 *   a read that starts after the push of an invalidation reached its process never returns a
 *   version older than that invalidation's
 *
 * (equivalently: every stale read started before its process had the push). One excuse, not
 * the near cache's: a key invalidation (by key, raw DEL, raw SET) carries no version, so a
 * computation that read the item before the bump and stored after the invalidation leaves its
 * older value in Redis (docs/tags-and-prefixes.md, "What holds across processes"). A stale read
 * is excused (`crossed`) only if every invalidation it crossed is such a one and the value it
 * got was stored after that invalidation was sent.
 */
import type { ComputationLog, Flavour, InvalidationLog } from './near-race-worker';
import type { NearRaceLogs } from './near-race-rig';

/** The invalidations that are a plain delete or write of the entry, with no version to compare. */
const KEY_LIKE: ReadonlySet<Flavour> = new Set(['key', 'raw-del', 'raw-set']);
/** Processes of one host read one clock; this covers what their readings may differ by, in the excuse only. */
const CLOCK_SLACK_MS = 1;

/** A stale read: what it got, how long after the invalidation resolved it started, and whether the near cache answered. */
export interface StaleRead {
  readonly item: number;
  readonly version: number;
  readonly lagMs: number;
  readonly near: boolean;
  readonly flavour: Flavour;
}

/** What the oracle found in one reader process. */
export interface ReaderVerdict {
  readonly pid: number;
  readonly deaf: boolean;
  readonly reads: number;
  readonly nearHits: number;
  readonly errors: number;
  readonly bypassed: number;
  /** Stale reads started before the process had the push: the window the near cache allows. */
  readonly stale: StaleRead[];
  /** Stale reads excused by a computation that crossed a key invalidation (see the module comment). */
  readonly crossed: StaleRead[];
  readonly violations: string[];
}

/** The whole verdict, with the delays measured on the way (milliseconds, sorted). */
export interface NearRaceVerdict {
  readonly readers: ReaderVerdict[];
  /** Invalidations that resolved, by flavour; `failed` those that rejected. */
  readonly invalidated: Record<Flavour | 'failed', number>;
  /** From a marker's SET resolving in the writer to a reader's near cache dropping it (0 when the push came first). */
  readonly pushDelaysMs: number[];
  /** From an invalidation resolving to the push of the marker after it reaching a reader: the window a stale read may start in. */
  readonly windowsMs: number[];
}

/** Judges `logs`; see the module comment. */
export function judgeNearRace(logs: NearRaceLogs): NearRaceVerdict {
  const landed = logs.invalidations.filter((inv) => inv.ok);
  const byItem = new Map<number, InvalidationLog[]>();
  for (const inv of landed) byItem.set(inv.id, [...(byItem.get(inv.id) ?? []), inv]);
  for (const list of byItem.values()) list.sort((a, b) => a.version - b.version);
  const computations = new Map<string, ComputationLog>();
  for (const reader of logs.readers) for (const computation of reader.computations) computations.set(computation.by, computation);
  const byRound = new Map(logs.invalidations.map((inv) => [inv.n, inv]));

  const pushDelaysMs: number[] = [];
  const windowsMs: number[] = [];
  const readers = logs.readers.map((reader): ReaderVerdict => {
    const pushed = pushBound(reader.markers);
    const verdict: ReaderVerdict = { pid: reader.pid, deaf: reader.deaf, reads: reader.reads.length, nearHits: 0, errors: reader.errors, bypassed: reader.bypassed, stale: [], crossed: [], violations: [] };
    for (const [id, version, by, start, near] of reader.reads) {
      if (near === 1) (verdict as { nearHits: number }).nearHits += 1;
      if (id === -1) {
        verdict.violations.push(`a read got another item's value (computation ${by})`);
        continue;
      }
      const newer = (byItem.get(id) ?? []).filter((inv) => inv.version > version);
      const first = newer[0];
      if (!first || start <= first.resolvedAt) continue;
      const read: StaleRead = { item: id, version, lagMs: start - first.resolvedAt, near: near === 1, flavour: first.flavour };
      const arrived = newer.filter((inv) => (pushed(inv.n) ?? Infinity) <= start);
      if (arrived.length === 0) verdict.stale.push(read);
      else if (crossedAll(computations.get(by), arrived)) verdict.crossed.push(read);
      else verdict.violations.push(describe(id, version, by, start, arrived[0] as InvalidationLog, pushed(first.n) as number));
    }
    if (!reader.deaf) {
      for (const [n, at] of reader.markers) {
        const inv = byRound.get(n);
        if (inv) pushDelaysMs.push(Math.max(0, at - inv.markedAt));
      }
      for (const inv of landed) {
        const at = pushed(inv.n);
        if (at !== undefined) windowsMs.push(Math.max(0, at - inv.resolvedAt));
      }
    }
    return verdict;
  });
  const invalidated = { key: 0, tag: 0, prefix: 0, 'raw-del': 0, 'raw-set': 0, failed: 0 };
  for (const inv of logs.invalidations) invalidated[inv.ok ? inv.flavour : 'failed'] += 1;
  return { readers, invalidated, pushDelaysMs: pushDelaysMs.sort(byValue), windowsMs: windowsMs.sort(byValue) };
}

/**
 * When the push of invalidation `n` had surely reached the process: the arrival of the first
 * marker written after it (marker `n`, or a later one when the link was down as `n` was pushed:
 * a link that comes back clears the near cache, and keeps only what it reads afterwards).
 */
function pushBound(markers: readonly [number, number][]): (n: number) => number | undefined {
  const sorted = [...markers].sort((a, b) => a[0] - b[0]);
  return (n) => sorted.find(([m]) => m >= n)?.[1];
}

/** Whether `computation` stored its value after each of `invalidations` was sent, all of them key invalidations. */
function crossedAll(computation: ComputationLog | undefined, invalidations: readonly InvalidationLog[]): boolean {
  if (!computation || computation.storedAt === 0) return false;
  return invalidations.every((inv) => KEY_LIKE.has(inv.flavour) && computation.storedAt > inv.sentAt - CLOCK_SLACK_MS);
}

function describe(id: number, version: number, by: string, start: number, inv: InvalidationLog, pushedAt: number): string {
  const after = (start - pushedAt).toFixed(3);
  return `item ${id}: a read got version ${version} (computation ${by}) ${after} ms after the push of invalidation ${inv.n} (${inv.flavour}, version ${inv.version}) had arrived`;
}

const byValue = (a: number, b: number): number => a - b;

/** Count, p50, p90, p99 and max of sorted `values` (zeros when empty). */
export function distribution(sorted: readonly number[]): { count: number; p50: number; p90: number; p99: number; max: number } {
  const at = (p: number): number => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number));
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number) };
}
