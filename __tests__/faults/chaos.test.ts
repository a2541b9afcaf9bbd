/**
 * Chaos (SPEC 11.1): for a bounded period the function fails half the time and is slow a fifth of
 * the time, under 100 concurrent callers of a function with `grace`. Once every key has a value, no
 * caller ever sees an error (a stale value stands in), and after each failure the function is not
 * called again for that key before `graceBackoff` has passed. On memory the clock is injected and
 * runs ten times faster, so the 10 s take one; on the servers the 10 s are real.
 */
import { cached, MemoryCache, type CacheInstance } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { sleep } from './fault-kit';

const CALLERS = 100;
const KEYS = 4;

interface Run {
  readonly key: number;
  readonly start: number;
  end: number;
  failed: boolean;
}

interface ChaosSettings {
  readonly backend: CacheInstance;
  /** The clock the backend judges by, in ms. */
  readonly clock: () => number;
  /** How long the chaos lasts, by `clock`. */
  readonly periodMs: number;
  /** Seconds, by `clock`. */
  readonly timeout: number;
  readonly graceBackoff: number;
  /** How many of `clock`'s milliseconds pass per real one. */
  readonly speed: number;
}

async function runChaos(s: ChaosSettings) {
  const runs: Run[] = [];
  let chaos = false;
  let staleServed = 0;
  const get = cached(
    async (key: number) => {
      const run: Run = { key, start: s.clock(), end: 0, failed: false };
      runs.push(run);
      try {
        // Slow a fifth of the time: 200 to 500 ms by the backend's clock.
        if (chaos && Math.random() < 0.2) await sleep((200 + Math.random() * 300) / s.speed);
        if (chaos && Math.random() < 0.5) {
          run.failed = true;
          throw new Error('source down');
        }
        return { key, at: run.start };
      } finally {
        run.end = s.clock();
      }
    },
    {
      cacheKey: `chaos-${process.pid}-${Math.random()}:{key}`,
      timeout: s.timeout,
      grace: 600,
      graceBackoff: s.graceBackoff,
      cacheInstance: s.backend,
      onError: () => undefined,
      onEvent: (event) => {
        if (event.type === 'stale') staleServed += 1;
      },
    },
  );
  for (let key = 0; key < KEYS; key++) await get(key);
  const warmRuns = runs.length;
  chaos = true;
  const deadline = s.clock() + s.periodMs;
  const errors: unknown[] = [];
  let calls = 0;
  const caller = async (index: number) => {
    for (let round = 0; s.clock() < deadline; round++) {
      calls += 1;
      await get((index + round) % KEYS).catch((error: unknown) => errors.push(error));
      await sleep(1 + Math.random() * 2);
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, (_, index) => caller(index)));
  return { runs: runs.slice(warmRuns), errors, calls, staleServed };
}

/** For each key, the runs that started before the previous one ended, or within `graceBackoff` after a failure. */
function tooSoon(runs: readonly Run[], backoffMs: number): string[] {
  const found: string[] = [];
  for (let key = 0; key < KEYS; key++) {
    const own = runs.filter((run) => run.key === key).sort((a, b) => a.start - b.start);
    for (let i = 1; i < own.length; i++) {
      const before = own[i - 1] as Run;
      const run = own[i] as Run;
      if (run.start < before.end) found.push(`key ${key}: a run started at ${run.start} while the one of ${before.start} ran`);
      else if (before.failed && run.start < before.end + backoffMs) {
        found.push(`key ${key}: a run started ${run.start - before.end} ms after a failure (graceBackoff ${backoffMs} ms)`);
      }
    }
  }
  return found;
}

describeOnBackends('chaos on %s', ALL_BACKENDS, { label: 'chaos' }, (under, name) => {
  it(`${name}: 100 callers, the function failing half the time and slow a fifth: no error, one call per key per graceBackoff`, async () => {
    let settings: ChaosSettings;
    if (name === 'memory') {
      const speed = 10;
      const realStart = Date.now();
      const clock = () => realStart + (Date.now() - realStart) * speed;
      settings = { backend: new MemoryCache({ now: clock }), clock, periodMs: 10_000, timeout: 0.5, graceBackoff: 1, speed };
    } else {
      settings = { backend: under().backend, clock: Date.now, periodMs: 10_000, timeout: 0.2, graceBackoff: 0.4, speed: 1 };
    }
    const outcome = await runChaos(settings);
    expect(outcome.errors.slice(0, 3)).toEqual([]);
    expect(tooSoon(outcome.runs, settings.graceBackoff * 1000).slice(0, 5)).toEqual([]);
    // The chaos was real: many calls, failures on every key, stale values served.
    expect(outcome.calls).toBeGreaterThan(1000);
    for (let key = 0; key < KEYS; key++) expect(outcome.runs.filter((run) => run.key === key && run.failed).length).toBeGreaterThan(0);
    expect(outcome.staleServed).toBeGreaterThan(100);
  }, 60_000);
});
