/**
 * What the near cache tests share: the server's own count of commands, the ids of the link's
 * connections, a wait until a call is answered by the near cache, and the link events.
 */
import type Redis from 'ioredis';
import { caches, type CacheEvent } from '../../lib';
import { eventually } from '../faults/fault-kit';

/** How many times the server ran each command (INFO commandstats), by lower-case name. */
export async function commandCounts(admin: Redis): Promise<Map<string, number>> {
  const text = await admin.info('commandstats');
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(match[1] as string, Number(match[2]));
  return counts;
}

/** The commands run between `before` and `after`, except those named in `ignored`. */
export function commandsBetween(before: Map<string, number>, after: Map<string, number>, ignored: readonly string[]): Record<string, number> {
  const ran: Record<string, number> = {};
  for (const [name, calls] of after) {
    const more = calls - (before.get(name) ?? 0);
    if (more > 0 && !ignored.includes(name)) ran[name] = more;
  }
  return ran;
}

/** The ids of the connections named `name` (`easy-cache:near-tracker`, `easy-cache:near-subscriber`). */
export async function connectionIds(admin: Redis, name: string): Promise<string[]> {
  const list = String(await admin.client('LIST'));
  return list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /\bid=(\d+)/.exec(line)?.[1] ?? '')
    .filter(Boolean);
}

/** Every event seen since `recordEvents()`, and `stop()`. */
export interface EventRecord {
  readonly events: CacheEvent[];
  types(): string[];
  stop(): void;
}

export function recordEvents(): EventRecord {
  const events: CacheEvent[] = [];
  const stop = caches.onEvent((event) => events.push(event));
  return { events, types: () => events.map((event) => event.type), stop };
}

/** Calls `call` until one call is a hit answered by the near cache (`tier: 'near'`); resolves to its value. */
export async function untilNearHit<T>(call: () => Promise<T>, record: EventRecord, what = 'a near hit'): Promise<T> {
  let value: T | undefined;
  await eventually(what, async () => {
    const from = record.events.length;
    value = await call();
    const seen = record.events.slice(from);
    return seen.length === 1 && seen[0]?.type === 'hit' && seen[0].tier === 'near';
  });
  return value as T;
}

/** Calls `call` until it returns `expected`, then checks that the next calls never return anything else. */
export async function untilOnly<T>(call: () => Promise<T>, expected: T, what: string): Promise<void> {
  await eventually(what, async () => (await call()) === expected);
  for (let i = 0; i < 20; i++) expect(await call()).toBe(expected);
}

/** What each test of a near cache suite gets: a fresh event record, and a list of what it opened, closed after it (in order). */
export interface EachTest {
  record: EventRecord;
  readonly opened: Array<{ close(): Promise<void> | void }>;
}

/** Registers the hooks that give each test its `EachTest`. */
export function eachTest(): EachTest {
  const state: EachTest = { record: recordEvents(), opened: [] };
  state.record.stop();
  beforeEach(() => {
    state.record = recordEvents();
  });
  afterEach(async () => {
    state.record.stop();
    while (state.opened.length > 0) await state.opened.shift()?.close();
  });
  return state;
}
