/**
 * The race oracle: a writer changes data and invalidates (by key, by the item's tag and by the
 * shared tag) in a loop while 100 readers call the cached function. Every value a reader gets
 * must have been current at some instant during its call: not older than the last invalidation
 * completed before the call started, not newer than the data when the call ended.
 */
import { MemoryCache, cached, type CacheInstance } from '../../lib';
import { describeOnBackends } from '../helpers/backends-under-test';
import { FAULT_BACKEND_SETTINGS, FAULT_BACKENDS, sleep } from './fault-kit';

const READERS = 100;
const RUN_MS = 2500;
const IDS = 8;

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
  const deadline = Date.now() + runMs;

  const writer = async () => {
    let round = 0;
    while (Date.now() < deadline) {
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
    while (Date.now() < deadline) {
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
  expect(outcome.calls).toBeGreaterThan(1000);
  expect(outcome.hits).toBeGreaterThan(100);
  expect(outcome.invalidations).toBeGreaterThan(50);
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
