/**
 * SPEC 11.8 on every backend: `version` (an entry written under another version, or none, is a
 * miss, never served, not even stale) and `schema` (a cached value that fails it is a miss,
 * reported once a second at most, then overwritten; a fresh value that fails is returned as it
 * is and not stored; the call resolves to the schema's output).
 */
import { z } from 'zod';
import { cached, CacheConfigError, MemoryCache, SchemaError, SerializationError, taggedJson, type MissEvent, type StandardSchema } from '../../lib';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { freshNamespace } from './suites/backend-factory';
import { observe, STALE_SETTINGS } from './stale/stale-support';

const missReasons = (events: readonly { type: string }[]): (string | undefined)[] =>
  events.filter((event): event is MissEvent => event.type === 'miss').map((event) => event.reason);

describeOnBackends('schema and version on %s', ALL_BACKENDS, STALE_SETTINGS, (under) => {
  describe('version', () => {
    it('an entry written under another version, or none, is a miss; the new value overwrites it', async () => {
      const ns = freshNamespace();
      const observer = observe();
      const backend = under().backend;
      const runs: string[] = [];
      const make = (version: string | undefined) =>
        cached(
          async (id: number) => {
            runs.push(`${version ?? 'none'}:${id}`);
            return { id, version };
          },
          { cacheKey: `${ns}:{id}`, cacheInstance: backend, ...(version === undefined ? {} : { version }), ...observer.hooks },
        );
      const unversioned = make(undefined);
      const v1 = make('1');
      const v2 = make('2');
      expect(await unversioned(1)).toEqual({ id: 1, version: undefined });
      expect(await v1(1)).toEqual({ id: 1, version: '1' });
      expect(await v1(1)).toEqual({ id: 1, version: '1' });
      expect(await v2(1)).toEqual({ id: 1, version: '2' });
      expect(await v2(1)).toEqual({ id: 1, version: '2' });
      expect(await v1(1)).toEqual({ id: 1, version: '1' });
      expect(await unversioned(1)).toEqual({ id: 1, version: undefined });
      expect(runs).toEqual(['none:1', '1:1', '2:1', '1:1', 'none:1']);
      expect(missReasons(observer.events)).toEqual([undefined, 'version', 'version', 'version', 'version']);
      expect(observer.errors).toEqual([]);
    });

    it('is never served stale: with grace, a failing function rejects instead of returning another version', async () => {
      const ns = freshNamespace();
      const backend = under().backend;
      const old = cached(async (id: number) => `old:${id}`, { cacheKey: `${ns}:{id}`, cacheInstance: backend, timeout: 60, grace: 600, version: '1' });
      await old(1);
      const failing = cached(
        async (id: number): Promise<string> => {
          throw new Error(`down ${id}`);
        },
        { cacheKey: `${ns}:{id}`, cacheInstance: backend, timeout: 60, grace: 600, version: '2', onError: () => undefined },
      );
      await expect(failing(1)).rejects.toThrow('down 1');
      expect(await old(1)).toBe('old:1');
    });

    it('keeps its version through a soft expiry: the expired entry is still its own stale fallback', async () => {
      const ns = freshNamespace();
      let fail = false;
      const get = cached(
        async (id: number) => {
          if (fail) throw new Error('down');
          return `v2:${id}`;
        },
        { cacheKey: `${ns}:{id}`, cacheInstance: under().backend, timeout: 60, grace: 600, version: '2', onError: () => undefined },
      );
      expect(await get(1)).toBe('v2:1');
      await get.expireCacheByKey(1);
      fail = true;
      expect(await get(1)).toBe('v2:1');
    });

    it('reads entries of the earlier formats as written without a version, and refuses a versioned mark without its version', async () => {
      const ns = freshNamespace();
      const observer = observe();
      const backend = under().backend;
      let runs = 0;
      const options = { cacheKey: `${ns}:{id}`, cacheInstance: backend, ...observer.hooks };
      const unversioned = cached(async (id: number) => `fresh:${id}:${++runs}`, options);
      const versioned = cached(async (id: number) => `fresh:${id}:${++runs}`, { ...options, version: '1' });
      await under().writeRaw(`${ns}:1`, taggedJson.encode({ m: 'easy-cache:2', v: 'format-2' }));
      await under().writeRaw(`${ns}:2`, taggedJson.encode({ m: 'easy-cache:3', v: 'format-3' }));
      await under().writeRaw(`${ns}:3`, taggedJson.encode({ m: 'easy-cache:4', v: 'no-version' }));
      expect(await unversioned(1)).toBe('format-2');
      expect(await unversioned(2)).toBe('format-3');
      expect(await versioned(2)).toBe('fresh:2:1');
      expect(await versioned(2)).toBe('fresh:2:1');
      expect(await unversioned(3)).toBe('fresh:3:2');
      expect(observer.errors.map((error) => error.constructor)).toEqual([SerializationError]);
    });
  });

  describe('schema', () => {
    const Row = z.object({ id: z.number(), name: z.string() });

    it('a cached value that fails the schema is a miss, reported once, then overwritten; hits return the output', async () => {
      const ns = freshNamespace();
      const observer = observe();
      const backend = under().backend;
      const oldShape = cached(async (id: number) => ({ id: String(id), title: 'old' }), { cacheKey: `${ns}:{id}`, cacheInstance: backend });
      await oldShape(1);
      await oldShape(2);
      let runs = 0;
      const current = cached(
        async (id: number) => {
          runs++;
          return { id, name: `n${id}`, extra: 'stripped by the schema' };
        },
        { cacheKey: `${ns}:{id}`, cacheInstance: backend, schema: Row, ...observer.hooks },
      );
      expect(await current(1)).toEqual({ id: 1, name: 'n1' });
      expect(await current(2)).toEqual({ id: 2, name: 'n2' });
      expect(await current(1)).toEqual({ id: 1, name: 'n1' });
      expect(runs).toBe(2);
      expect(missReasons(observer.events)).toEqual(['schema', 'schema']);
      expect(observer.events.filter((event) => event.type === 'set')).toHaveLength(2);
      // One report a second at most (pinned with a frozen clock below); a loaded machine may take longer.
      expect(observer.errors.length).toBeGreaterThanOrEqual(1);
      expect(observer.errors.every((reported) => reported instanceof SchemaError)).toBe(true);
      const [error] = observer.errors;
      expect(error).toBeInstanceOf(SchemaError);
      expect(error?.code).toBe('E_CACHE_SCHEMA');
      expect((error as SchemaError).key).toBe(`${ns}:1`);
      expect(error?.message).toMatch(new RegExp(`^cached\\(anonymous function\\): the cached value under key ${ns}:1 fails the schema \\(a miss, recomputed and overwritten\\): id: `));
    });

    it('a fresh value that fails the schema is returned as it is, not stored, and reported', async () => {
      const ns = freshNamespace();
      const observer = observe();
      let runs = 0;
      const broken = cached(
        async (id: number) => {
          runs++;
          return { id, name: 42 };
        },
        { cacheKey: `${ns}:{id}`, cacheInstance: under().backend, schema: Row as unknown as StandardSchema<unknown, { id: number; name: number }>, ...observer.hooks },
      );
      expect(await broken(1)).toEqual({ id: 1, name: 42 });
      expect(await broken(1)).toEqual({ id: 1, name: 42 });
      expect(runs).toBe(2);
      expect(observer.sets()).toBe(0);
      expect(observer.errors.length).toBeGreaterThanOrEqual(1);
      expect(observer.errors[0]?.message).toMatch(/the value the function returned for key .* fails the schema \(returned as it is, not stored\): name: /);
    });

    it('stores what the function returned and resolves hits and misses alike to the output of a transforming schema', async () => {
      const ns = freshNamespace();
      let runs = 0;
      const read = cached(
        async (id: number) => {
          runs++;
          return { id, at: '2024-05-01T00:00:00.000Z' };
        },
        { cacheKey: `${ns}:{id}`, cacheInstance: under().backend, schema: z.object({ id: z.number(), at: z.string().transform((at) => new Date(at)) }) },
      );
      const miss = await read(1);
      const hit = await read(1);
      expect(miss).toEqual({ id: 1, at: new Date('2024-05-01T00:00:00.000Z') });
      expect(hit).toEqual(miss);
      expect(runs).toBe(1);
    });

    it('takes any Standard Schema, an asynchronous one included, on tagged entries too', async () => {
      const ns = freshNamespace();
      const observer = observe();
      const backend = under().backend;
      const positive: StandardSchema<unknown, number> = {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: async (value) => (typeof value === 'number' && value > 0 ? { value } : { issues: [{ message: 'not a positive number' }] }),
        },
      };
      let next = -1;
      const writer = cached(async (id: number) => next * id, { cacheKey: `${ns}:{id}`, tags: [`${ns}:t`], cacheInstance: backend });
      await writer(3);
      const reader = cached(async (id: number) => 10 * id, { cacheKey: `${ns}:{id}`, tags: [`${ns}:t`], cacheInstance: backend, schema: positive, ...observer.hooks });
      expect(await reader(3)).toBe(30);
      next = 1;
      expect(await reader(3)).toBe(30);
      expect(missReasons(observer.events)).toEqual(['schema']);
      expect(observer.errors[0]?.message).toMatch(/not a positive number/);
    });

    it('a stale value that fails the schema is not served as a fallback', async () => {
      const ns = freshNamespace();
      const backend = under().backend;
      const writer = cached(async (id: number) => ({ id: `${id}` }), { cacheKey: `${ns}:{id}`, cacheInstance: backend, timeout: 0.05, grace: 600 });
      await writer(1);
      await under().passTime(200);
      const reader = cached(
        async (id: number): Promise<{ id: number }> => {
          throw new Error(`source down ${id}`);
        },
        { cacheKey: `${ns}:{id}`, cacheInstance: backend, timeout: 60, grace: 600, schema: z.object({ id: z.number() }), onError: () => undefined },
      );
      await expect(reader(1)).rejects.toThrow('source down 1');
    });
  });
});

describe('schema failure reports', () => {
  afterEach(() => jest.restoreAllMocks());

  it('come once a second at most per function, through onError', async () => {
    let now = 1_700_000_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const errors: unknown[] = [];
    const backend = new MemoryCache();
    const bad = cached(async (id: number) => ({ id: String(id) }), {
      cacheKey: 'r:{id}',
      cacheInstance: backend,
      schema: z.object({ id: z.number() }) as unknown as StandardSchema<unknown, { id: string }>,
      onError: (error) => errors.push(error),
    });
    const other = cached(async (id: number) => ({ id: String(id) }), { cacheKey: 'o:{id}', cacheInstance: backend, schema: z.object({ id: z.number() }) as unknown as StandardSchema<unknown, { id: string }>, onError: (error) => errors.push(error) });
    await bad(1);
    await bad(2);
    await bad(3);
    expect(errors).toHaveLength(1);
    await other(1);
    expect(errors).toHaveLength(2);
    now += 999;
    await bad(4);
    expect(errors).toHaveLength(2);
    now += 1;
    await bad(5);
    expect(errors).toHaveLength(3);
    expect(errors.every((error) => error instanceof SchemaError)).toBe(true);
  });
});

describe('schema and version options', () => {
  it('are validated at wrap time, naming the option', () => {
    expect(() => cached(async () => 1, { name: 'f', schema: { parse: () => 1 } as never })).toThrow(CacheConfigError);
    expect(() => cached(async () => 1, { name: 'f', version: '' })).toThrow(/option "version"/);
  });
});
