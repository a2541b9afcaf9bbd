/**
 * The race oracle: a writer changes data and invalidates (by key, by the item's tag and by the
 * shared tag) in a loop while 100 readers call the cached function. Every value a reader gets
 * must have been current at some instant during its call: not older than the last invalidation
 * completed before the call started, not newer than the data when the call ended.
 *
 * The mixed oracle adds soft invalidations and a function with `grace` that sometimes throws: a
 * stale value may then be served, but never one older than the last hard invalidation completed
 * before the call started; and a call that starts after a soft invalidation resolved and returns
 * a value as fresh (a hit, or the function's own value: no `stale` event) never returns one
 * computed before that invalidation. Some of its rounds expire and hard-invalidate the same key at
 * once: the expire's write-back must never undo the hard invalidation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MemoryCache, cached, type CacheInstance } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { FAULT_BACKEND_SETTINGS, FAULT_BACKENDS, eventually, sleep } from './fault-kit';
import { RedisCache } from '../../lib/backends/redis';
import { describeWithRedis, uniquePrefix } from '../helpers/server-suites';

const READERS = 100;
const RUN_MS = 2500;
const IDS = 8;
/** How much longer than `runMs` a run may go on to do the work its checks ask for (a loaded machine is slow, not wrong). */
const MAX_RUN_FACTOR = 5;

/**
 * Whether a run goes on: until `runMs` passed, then until `enough()` says it did the work its
 * checks ask for, or `MAX_RUN_FACTOR` times `runMs` passed.
 */
function runFor(runMs: number, enough: () => boolean): () => boolean {
  const started = Date.now();
  return () => {
    const ran = Date.now() - started;
    return ran < runMs || (ran < runMs * MAX_RUN_FACTOR && !enough());
  };
}

/** What a run of the oracle must have done for its checks to mean something: many calls, real hits and many invalidations. */
const ENOUGH = { calls: 1000, hits: 100, invalidations: 50 };

interface Outcome {
  calls: number;
  hits: number;
  invalidations: number;
  stale: string[];
}

/** Runs the writer and the readers on `backend` for RUN_MS and returns what they saw. */
async function runOracle(backend: CacheInstance, runMs = RUN_MS): Promise<Outcome> {
  // The "database": the version of each item, and the version whose invalidation has completed.
  const current = new Array<number>(IDS).fill(0);
  const published = new Array<number>(IDS).fill(0);
  const outcome: Outcome = { calls: 0, hits: 0, invalidations: 0, stale: [] };
  const get = cached(
    async (id: number) => {
      const version = current[id] as number;
      // The value is built from data read at one instant, then takes a little time to come back.
      await sleep(Math.random() * 3);
      return { id, version };
    },
    {
      cacheKey: 'item:{id}',
      tags: ['items', 'item:{id}'],
      timeout: 60,
      cacheInstance: backend,
      onError: () => undefined,
      onEvent: (event) => {
        if (event.type === 'hit') outcome.hits += 1;
      },
    },
  );
  const running = runFor(runMs, () => outcome.calls > ENOUGH.calls && outcome.hits > ENOUGH.hits && outcome.invalidations > ENOUGH.invalidations);

  const writer = async () => {
    let round = 0;
    while (running()) {
      const id = round % IDS;
      current[id] = (current[id] as number) + 1;
      const written = current[id] as number;
      const how = round % 3;
      try {
        if (how === 0) await get.invalidateCacheByKey(id);
        else if (how === 1) await get.invalidateCacheByTags(['item:{id}'], id);
        else await get.invalidateCacheByTags(['items'], id);
      } catch {
        // A failed invalidation published nothing: readers may still see the older version.
        round += 1;
        continue;
      }
      // One writer, one change at a time: every other item's invalidation completed already.
      published[id] = Math.max(published[id] as number, written);
      outcome.invalidations += 1;
      round += 1;
      await sleep(Math.random() * 4);
    }
  };

  const reader = async (index: number) => {
    let round = 0;
    while (running()) {
      const id = (index + round) % IDS;
      const floor = published[id] as number;
      const value = await get(id);
      const ceiling = current[id] as number;
      outcome.calls += 1;
      if (value.id !== id || value.version < floor || value.version > ceiling) {
        outcome.stale.push(`item ${id}: got version ${value.version}, current during the call: ${floor}..${ceiling}`);
      }
      round += 1;
      if (round % 8 === 0) await sleep(1);
    }
  };

  await Promise.all([writer(), ...Array.from({ length: READERS }, (_, index) => reader(index))]);
  return outcome;
}

function expectNoStaleRead(outcome: Outcome): void {
  expect(outcome.stale.slice(0, 5)).toEqual([]);
  // The run did exercise the cache: many calls, real hits and many invalidations.
  expect(outcome.calls).toBeGreaterThan(ENOUGH.calls);
  expect(outcome.hits).toBeGreaterThan(ENOUGH.hits);
  expect(outcome.invalidations).toBeGreaterThan(ENOUGH.invalidations);
}

/** A cache that silently drops invalidations (tag versions written by `set`, and deletes): stale by design. */
function droppingInvalidations(inner: CacheInstance): CacheInstance {
  return {
    get: (key) => inner.get(key),
    getMany: (keys) => inner.getMany(keys),
    add: (key, value, timeout) => inner.add(key, value, timeout),
    setMany: (entries, timeout) => inner.setMany(entries, timeout),
    set: (key, value, timeout) => (key.startsWith('tag:') ? Promise.resolve() : inner.set(key, value, timeout)),
    delete: () => Promise.resolve(true),
  };
}

describe('race oracle', () => {
  it('catches a cache that drops invalidations (the oracle is not blind)', async () => {
    const outcome = await runOracle(droppingInvalidations(new MemoryCache()), 500);
    expect(outcome.stale.length).toBeGreaterThan(0);
  });
});

describeOnBackends('race oracle on %s', FAULT_BACKENDS, FAULT_BACKEND_SETTINGS, (under, name) => {
  it(`${name}: no reader ever gets a value that was not current during its call`, async () => {
    expectNoStaleRead(await runOracle(under().backend));
  }, 20_000);
});

describeWithRedis('race oracle on a near cache', (addresses) => {
  // One process: its own invalidations update its near cache at once, so nothing stale is allowed.
  it('RedisCache with nearCache: no reader ever gets a value that was not current during its call', async () => {
    const [host = '127.0.0.1', port = '6379'] = (addresses[0] ?? '').split(':');
    const backend = new RedisCache({ host, port: Number(port) }, { prefix: uniquePrefix('oracle-near'), nearCache: {}, backendTimeoutMs: 1000 });
    try {
      await eventually('tracking is on', () => backend.nearCacheState === 'trusted');
      expectNoStaleRead(await runOracle(backend));
    } finally {
      await backend.close();
    }
  }, 20_000);
});

interface MixedOutcome {
  calls: number;
  hits: number;
  staleServed: number;
  errors: number;
  hard: number;
  soft: number;
  violations: string[];
}

/** What a mixed run must have done: every path taken (hits, stale values served, both kinds of invalidation), many times. */
const MIXED_ENOUGH: ReadonlyArray<readonly ['calls' | 'hits' | 'staleServed' | 'hard' | 'soft', number]> = [
  ['calls', 1000],
  ['hits', 50],
  ['staleServed', 10],
  ['hard', 10],
  ['soft', 10],
];

/** What one reader's call saw, gathered from the events raised in its own async context. */
interface CallRecord {
  hit: boolean;
  stale: boolean;
}

/**
 * The writer changes an item, then invalidates it, alternating hard and soft, by key and by tag;
 * readers call a function with grace that throws one time in five.
 */
async function runMixedOracle(backend: CacheInstance, runMs = RUN_MS): Promise<MixedOutcome> {
  const current = new Array<number>(IDS).fill(0);
  // The version whose hard (resp. any) invalidation has completed: the floor of stale (resp. fresh) values.
  const hardFloor = new Array<number>(IDS).fill(0);
  const freshFloor = new Array<number>(IDS).fill(0);
  const outcome: MixedOutcome = { calls: 0, hits: 0, staleServed: 0, errors: 0, hard: 0, soft: 0, violations: [] };
  const context = new AsyncLocalStorage<CallRecord>();
  const get = cached(
    async (id: number) => {
      const version = current[id] as number;
      await sleep(Math.random() * 3);
      if (Math.random() < 0.2) throw new Error('source down');
      return { id, version };
    },
    {
      cacheKey: 'mixed:{id}',
      tags: ['mixed-items', 'mixed:{id}'],
      timeout: 60,
      grace: 60,
      graceBackoff: 0.05,
      cacheInstance: backend,
      onError: () => undefined,
      onEvent: (event) => {
        const record = context.getStore();
        if (!record) return;
        if (event.type === 'hit') record.hit = true;
        if (event.type === 'stale') record.stale = true;
      },
    },
  );
  const running = runFor(runMs, () => MIXED_ENOUGH.every(([measure, least]) => outcome[measure] > least));
  const ways: ReadonlyArray<{ hard: boolean; change: (id: number) => Promise<unknown> }> = [
    { hard: true, change: (id) => get.invalidateCacheByKey(id) },
    { hard: false, change: (id) => get.expireCacheByKey(id) },
    { hard: true, change: (id) => get.invalidateCacheByTags(['mixed:{id}'], id) },
    { hard: false, change: (id) => get.expireCacheByTags(['mixed:{id}'], id) },
    { hard: false, change: (id) => get.expireCacheByTags(['mixed-items'], id) },
    // Both at once: the expire reads the entry, the hard invalidation deletes it, the expire writes back.
    { hard: true, change: (id) => Promise.all([get.expireCacheByKey(id), get.invalidateCacheByKey(id)]) },
  ];

  const writer = async () => {
    for (let round = 0; running(); round++) {
      const id = round % IDS;
      current[id] = (current[id] as number) + 1;
      const written = current[id] as number;
      const { hard, change } = ways[round % ways.length] as (typeof ways)[number];
      try {
        await change(id);
      } catch {
        continue;
      }
      if (hard) hardFloor[id] = Math.max(hardFloor[id] as number, written);
      freshFloor[id] = Math.max(freshFloor[id] as number, written);
      if (hard) outcome.hard += 1;
      else outcome.soft += 1;
      await sleep(Math.random() * 4);
    }
  };

  const reader = async (index: number) => {
    for (let round = 0; running(); round++) {
      const id = (index + round) % IDS;
      const floors = { hard: hardFloor[id] as number, fresh: freshFloor[id] as number };
      const record: CallRecord = { hit: false, stale: false };
      let value: { id: number; version: number };
      try {
        value = await context.run(record, () => get(id));
      } catch {
        // No stale value to fall back on (a miss, or a hard invalidation): the error is the caller's.
        outcome.errors += 1;
        continue;
      } finally {
        outcome.calls += 1;
      }
      const ceiling = current[id] as number;
      if (record.hit) outcome.hits += 1;
      if (record.stale) outcome.staleServed += 1;
      const floor = record.stale ? floors.hard : floors.fresh;
      const how = record.stale ? 'stale' : record.hit ? 'a hit' : 'the function';
      if (value.id !== id || value.version < floor || value.version > ceiling) {
        outcome.violations.push(`item ${id}: got version ${value.version} as ${how}; allowed ${floor}..${ceiling}`);
      }
      if (round % 8 === 7) await sleep(1);
    }
  };

  await Promise.all([writer(), ...Array.from({ length: READERS }, (_, index) => reader(index))]);
  return outcome;
}

describe('mixed race oracle', () => {
  it('catches a cache whose soft invalidations do nothing (the oracle is not blind)', async () => {
    const outcome = await runMixedOracle(ignoringSoftInvalidations(new MemoryCache()), 500);
    expect(outcome.violations.length).toBeGreaterThan(0);
  });
});

describe('mixed race oracle, expires against hard invalidations', () => {
  it('catches a cache whose expires undo a hard invalidation made meanwhile (the oracle is not blind)', async () => {
    const outcome = await runMixedOracle(readThenWrite(new MemoryCache()), RACE_BLIND_MS);
    expect(outcome.violations.length).toBeGreaterThan(0);
  });
});

/** Long enough for the blind test above: it saw about 4,000 violations in this time. */
const RACE_BLIND_MS = 500;

/** `inner` without `rewrite`: an expire reads the entry, then writes it back, and a delete between the two is undone. */
function readThenWrite(inner: CacheInstance): CacheInstance {
  return {
    inProcess: true,
    get: (key) => inner.get(key),
    getMany: (keys) => inner.getMany(keys),
    add: (key, value, timeout) => inner.add(key, value, timeout),
    set: (key, value, timeout) => inner.set(key, value, timeout),
    setMany: (entries, timeout) => inner.setMany(entries, timeout),
    delete: (key) => inner.delete(key),
  };
}

/** A cache that drops writes of soft tag versions and stale rewrites of entries (made by `set`: it has no `rewrite`): soft invalidations never land. */
function ignoringSoftInvalidations(inner: CacheInstance): CacheInstance {
  return {
    ...readThenWrite(inner),
    set: (key, value, timeout) => (key.startsWith('tag-soft:') || isStaleRewrite(value) ? Promise.resolve() : inner.set(key, value, timeout)),
  };
}

// An expire rewrites an entry with `f` in the past (the epoch); a fresh write puts `f` a minute ahead.
function isStaleRewrite(value: unknown): boolean {
  const f = (value as { f?: unknown } | null)?.f;
  return typeof f === 'number' && f <= Date.now() + 1000;
}

describeOnBackends('mixed race oracle on %s', ALL_BACKENDS, FAULT_BACKEND_SETTINGS, (under, name) => {
  it(`${name}: hard invalidations are never crossed, soft ones never leave an older value fresh`, async () => {
    const outcome = await runMixedOracle(under().backend);
    expect(outcome.violations.slice(0, 5)).toEqual([]);
    // The run exercised every path: hits, stale values served, errors, both kinds of invalidation.
    const shortOf = MIXED_ENOUGH.filter(([measure, least]) => outcome[measure] <= least).map(([measure, least]) => `${measure}: ${outcome[measure]} (more than ${least} needed)`);
    expect(shortOf).toEqual([]);
  }, 20_000);
});
