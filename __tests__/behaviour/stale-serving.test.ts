/**
 * SPEC 11.1 on every backend: fresh for `timeout`, stale for `grace`, then gone; a stale entry runs
 * the function (one flight) and falls back to the stale value when it throws (fail-safe), backing
 * off for `graceBackoff`; freshness judged by the reader's clock against the writer's times; the
 * entry format, old and new.
 */
import Redis from 'ioredis';
import { cached, FunctionError, MemoryCache, taggedJson } from '../../lib';
import type { RedisCache } from '../../lib/backends/redis';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { CountingBackend } from '../helpers/counting-backend';
import { deferred, waitFor } from '../helpers/deferred';
import { serverAddresses } from '../helpers/server-suites';
import { freshNamespace } from './suites/backend-factory';
import { clockNow, observe, STALE_SETTINGS, writeEntry } from './stale/stale-support';

describeOnBackends('fresh, stale and gone on %s', ALL_BACKENDS, STALE_SETTINGS, (under, name) => {
  it('is a hit for timeout, then stale for grace (the function runs, a failure falls back), then gone; the backend keeps it timeout + grace', async () => {
    const ns = freshNamespace();
    const counting = new CountingBackend(under().backend);
    let runs = 0;
    let failing = false;
    const get = cached(
      async (id: number) => {
        runs += 1;
        if (failing) throw new Error('source down');
        return `v${runs}:${id}`;
      },
      // Stale from 2 s to 7 s. The stale read comes after 2.2 s of real time on a server, and must
      // find the entry still there: memcached counts in whole seconds and may drop it a second
      // early (more when its clock tick runs late on a loaded machine), and the wait may overrun,
      // so the entry is kept well past the read. Gone after 7.2 s by its own times, on every backend.
      { cacheKey: `${ns}:life:{id}`, timeout: 2, grace: 5, cacheInstance: counting, onError: () => undefined },
    );
    expect(await get(1)).toBe('v1:1');
    expect(counting.timeoutsOf(`${ns}:life:1`)).toEqual([7]);
    expect(await get(1)).toBe('v1:1');
    expect(runs).toBe(1);
    await under().passTime(2200);
    failing = true;
    expect(await get(1)).toBe('v1:1');
    expect(runs).toBe(2);
    await under().passTime(5000);
    await expect(get(1)).rejects.toThrow('source down');
    expect(runs).toBe(3);
  });

  it('runs the function for a stale entry, once for concurrent callers, and returns and stores its value', async () => {
    const ns = freshNamespace();
    const gate = deferred<string>();
    let runs = 0;
    const observer = observe();
    const get = cached(
      async (id: number) => {
        runs += 1;
        return `${await gate.promise}:${id}`;
      },
      { cacheKey: `${ns}:refresh:{id}`, timeout: 60, grace: 60, cacheInstance: under().backend, ...observer.hooks },
    );
    await writeEntry(under(), get.getCacheKey(1), 'old');
    const calls = Array.from({ length: 5 }, () => get(1));
    await waitFor(() => runs === 1);
    gate.resolve('new');
    expect(await Promise.all(calls)).toEqual(Array(5).fill('new:1'));
    expect(runs).toBe(1);
    expect(await get(1)).toBe('new:1');
    expect(runs).toBe(1);
    expect(observer.staleReasons()).toEqual([]);
    expect(observer.errors).toEqual([]);
  });

  it('returns the stale value when the function throws, reports a FunctionError and a stale event, and never throws to the caller', async () => {
    const ns = freshNamespace();
    const failure = new Error('source down');
    const observer = observe();
    const gate = deferred();
    const counting = new CountingBackend(under().backend);
    let runs = 0;
    const get = cached(
      async (_id: number) => {
        runs += 1;
        await gate.promise;
        throw failure;
      },
      { name: 'getRate', cacheKey: `${ns}:rate:{_id}`, timeout: 60, grace: 60, cacheInstance: counting, ...observer.hooks },
    );
    const key = get.getCacheKey(1);
    await writeEntry(under(), key, { rate: 1.5 });
    try {
      const calls = Promise.all([get(1), get(1), get(1)]);
      // The run fails once all three callers have joined it, each as its read is answered. On a
      // server the later reads may be answered well after the first: a caller whose read came after
      // the failure would find the key backing off, not the run's error.
      await waitFor(() => runs === 1 && counting.answered('get') === 3, 0);
      gate.resolve();
      expect(await calls).toEqual(Array(3).fill({ rate: 1.5 }));
    } finally {
      gate.resolve();
    }
    expect(runs).toBe(1);
    expect(observer.errors).toHaveLength(1);
    const reported = observer.errors[0];
    expect(reported).toBeInstanceOf(FunctionError);
    expect(reported).toMatchObject({ code: 'FUNCTION_ERROR', key, cause: failure });
    expect(reported?.message).toMatch(/^cached\(getRate\): the function failed for key .*: source down$/);
    expect(observer.events.filter((event) => event.type === 'stale')).toContainEqual(expect.objectContaining({ reason: 'error', key, error: failure }));
    expect(observer.staleReasons().every((reason) => reason === 'error')).toBe(true);
  });

  it('lets the error through when there is no stale value', async () => {
    const ns = freshNamespace();
    const observer = observe();
    const get = cached(
      async (id: number) => {
        throw new Error(`no rate ${id}`);
      },
      { cacheKey: `${ns}:none:{id}`, timeout: 60, grace: 60, cacheInstance: under().backend, ...observer.hooks },
    );
    await expect(get(1)).rejects.toThrow('no rate 1');
    expect(observer.staleReasons()).toEqual([]);
  });

  it('after a fail-safe return, serves the stale value without calling the function for graceBackoff (5 s by default), then calls it again', async () => {
    const ns = freshNamespace();
    const observer = observe();
    // The backoff is judged by this process's clock: injected here on every backend, so the default
    // 5 s passes without a wait.
    let skipped = 0;
    const reader = new CountingBackend(under().backend, { now: () => clockNow(under()) + skipped });
    let runs = 0;
    let failing = true;
    const get = cached(
      async (id: number) => {
        runs += 1;
        if (failing) throw new Error('source down');
        return `fresh:${id}`;
      },
      { cacheKey: `${ns}:backoff:{id}`, timeout: 60, grace: 60, cacheInstance: reader, ...observer.hooks },
    );
    await writeEntry(under(), get.getCacheKey(1), 'old');
    expect(await get(1)).toBe('old');
    expect(runs).toBe(1);
    failing = false;
    expect(await get(1)).toBe('old');
    expect(runs).toBe(1);
    expect(observer.staleReasons()).toEqual(['error', 'backoff']);
    skipped += 4900;
    expect(await get(1)).toBe('old');
    expect(runs).toBe(1);
    skipped += 200;
    expect(await get(1)).toBe('fresh:1');
    expect(runs).toBe(2);
    expect(await get(1)).toBe('fresh:1');
    expect(runs).toBe(2);
  });

  it('judges freshness by the reader\'s clock against the times the writer recorded', async () => {
    const ns = freshNamespace();
    let runs = 0;
    const get = cached(async (id: number) => `run${++runs}:${id}`, { cacheKey: `${ns}:skew:{id}`, timeout: 60, grace: 60, cacheInstance: under().backend });
    // A writer whose clock ran a minute ahead: fresh by its times, so a hit here.
    await writeEntry(under(), get.getCacheKey(1), 'ahead', 60_000, 120_000);
    expect(await get(1)).toBe('ahead');
    // A writer whose clock ran behind: past its fresh-until by ours, so stale, and the function runs.
    await writeEntry(under(), get.getCacheKey(2), 'behind', -1, 60_000);
    expect(await get(2)).toBe('run1:2');
    // Past its gone-at by our clock: never served, even as a fallback.
    await writeEntry(under(), get.getCacheKey(3), 'gone', -2000, -1);
    const failing = cached(
      async (id: number): Promise<string> => {
        throw new Error(`down ${id}`);
      },
      { cacheKey: `${ns}:skew:{id}`, timeout: 60, grace: 60, cacheInstance: under().backend, onError: () => undefined },
    );
    await expect(failing(3)).rejects.toThrow('down 3');
  });

  it('reads an entry of the previous format (easy-cache:2) as a hit and stores the new format with its times', async () => {
    const ns = freshNamespace();
    let runs = 0;
    const get = cached(async (id: number) => `run${++runs}:${id}`, { cacheKey: `${ns}:format:{id}`, timeout: 30, grace: 10, cacheInstance: under().backend });
    await under().writeRaw(get.getCacheKey(1), taggedJson.encode({ m: 'easy-cache:2', v: 'legacy' }));
    expect(await get(1)).toBe('legacy');
    expect(runs).toBe(0);
    const before = clockNow(under());
    expect(await get(2)).toBe('run1:2');
    const stored = (await under().backend.get(get.getCacheKey(2))) as { m: string; v: unknown; f: number; g: number };
    expect(stored).toMatchObject({ m: 'easy-cache:3', v: 'run1:2' });
    expect(stored.f).toBeGreaterThanOrEqual(before + 30_000);
    expect(stored.g - stored.f).toBe(10_000);
    if (name === 'redis') {
      const raw = new Redis({ host: '127.0.0.1', port: Number(serverAddresses('redis')[0]?.split(':')[1]) });
      try {
        const text = await raw.get(`${(under().backend as RedisCache).prefix ?? ''}:${get.getCacheKey(2)}`);
        expect(taggedJson.decode(text ?? '')).toEqual(stored);
        expect(text).toContain('easy-cache:3');
      } finally {
        raw.disconnect();
      }
    }
  });
});

describe('freshness follows the reading process\'s clock (memory `now`)', () => {
  it('turns an entry stale exactly when the reader\'s clock reaches its fresh-until', async () => {
    let clock = 1_000_000;
    const backend = new MemoryCache({ now: () => clock });
    let runs = 0;
    const get = cached(async (id: number) => `run${++runs}:${id}`, { cacheKey: 'clock:{id}', timeout: 10, grace: 10, cacheInstance: backend });
    expect(await get(1)).toBe('run1:1');
    const { f } = (await backend.get('clock:1')) as { f: number };
    expect(f).toBe(1_010_000);
    clock = f - 1;
    expect(await get(1)).toBe('run1:1');
    clock = f;
    expect(await get(1)).toBe('run2:1');
  });

  it('serves a stale entry at once with nobody listening too: while its refresh runs, then while it backs off', async () => {
    let clock = 1_000_000;
    const backend = new MemoryCache({ now: () => clock });
    let runs = 0;
    let next = deferred<string>();
    const errors: unknown[] = [];
    const get = cached(async (id: number) => (++runs === 1 ? `run1:${id}` : next.promise), {
      cacheKey: 'quiet:{id}',
      timeout: 10,
      grace: 60,
      softTimeoutMs: 0,
      graceBackoff: 5,
      cacheInstance: backend,
      onError: (error) => errors.push(error),
    });
    expect(await get(1)).toBe('run1:1');
    clock += 10_000;
    // Stale: the first call starts the refresh, the next ones are served while it runs.
    expect(await get(1)).toBe('run1:1');
    expect(await get(1)).toBe('run1:1');
    expect(runs).toBe(2);
    next.reject(new Error('source down'));
    await waitFor(() => errors.length === 1);
    next = deferred<string>();
    // The refresh failed: served without calling the function for graceBackoff.
    clock += 4_999;
    expect(await get(1)).toBe('run1:1');
    expect(runs).toBe(2);
    clock += 1;
    expect(await get(1)).toBe('run1:1');
    expect(runs).toBe(3);
    next.resolve('run3:1');
    await waitFor(() => (backend.getSync('quiet:1') as { v: unknown }).v === 'run3:1');
    expect(await get(1)).toBe('run3:1');
  });

  it('reads the clock once per in-process hit, fresh or stale, for the backend\'s expiry and the entry\'s freshness alike', async () => {
    let clock = 1_000_000;
    let reads = 0;
    const backend = new MemoryCache({
      now: () => {
        reads++;
        return clock;
      },
    });
    const held = deferred<string>();
    let runs = 0;
    const get = cached(async (id: number) => (++runs === 1 ? `run1:${id}` : held.promise), { cacheKey: 'reads:{id}', timeout: 10, grace: 10, softTimeoutMs: 0, cacheInstance: backend });
    expect(await get(1)).toBe('run1:1');
    reads = 0;
    expect(await get(1)).toBe('run1:1');
    expect(reads).toBe(1);
    clock += 10_000;
    // The first stale call starts the refresh; the next ones join it and are served at once.
    expect(await get(1)).toBe('run1:1');
    reads = 0;
    expect(await get(1)).toBe('run1:1');
    expect(reads).toBe(1);
    expect(runs).toBe(2);
    held.resolve('run2:1');
    await waitFor(() => (backend.getSync('reads:1') as { v: unknown }).v === 'run2:1');
    expect(await get(1)).toBe('run2:1');
  });
});

describe('EASY_CACHE_DEBUG=yes and stale returns', () => {
  it('logs STALE with the function, the key and the reason', async () => {
    process.env.EASY_CACHE_DEBUG = 'yes';
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      let clock = 0;
      const get = cached(
        async (id: number) => {
          if (clock > 0) throw new Error(`down ${id}`);
          return id;
        },
        { name: 'getRate', cacheKey: 'rate:{id}', timeout: 1, grace: 60, cacheInstance: new MemoryCache({ now: () => clock }), onError: () => undefined },
      );
      await get(1);
      clock = 1000;
      expect(await get(1)).toBe(1);
      expect(await get(1)).toBe(1);
      const lines = log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('STALE'));
      expect(lines).toEqual(['[easy-cache] STALE cached(getRate) rate:1 (error)', '[easy-cache] STALE cached(getRate) rate:1 (backoff)']);
    } finally {
      log.mockRestore();
      delete process.env.EASY_CACHE_DEBUG;
    }
  });
});
