/**
 * Hits through the remote backends' decode memo, on the real servers: a key read again unchanged
 * is copied instead of parsed, every caller still gets a value of its own, and a key whose text
 * changed (another writer) is decoded anew. A read hands its `foresee` the copy made for the text
 * expected, and resolves to that very copy only when the reply is that text.
 */
import { cached, NOT_FOUND, type CacheEvent } from '../../lib';
import { describeOnBackends } from '../helpers/backends-under-test';
import { waitFor } from '../helpers/deferred';

/** Marks the JSON of this file's values, to count the parses of their texts alone. */
const MARKER = 'decode-memo-marker';

interface User {
  id: number;
  roles: string[];
  profile: { name: string; marker: string };
}

const userOf = (id: number, name = 'Ada'): User => ({ id, roles: ['admin'], profile: { name, marker: MARKER } });

/** Runs `run` and counts the `JSON.parse` calls it made on text of this file's values. */
async function parsesDuring(run: () => Promise<unknown>): Promise<number> {
  const parse = jest.spyOn(JSON, 'parse');
  try {
    await run();
    return parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes(MARKER)).length;
  } finally {
    parse.mockRestore();
  }
}

describeOnBackends('decode memo on %s', ['redis', 'redis-cluster', 'memcached'], { label: 'decode-memo', memcachedServers: 'first' }, (under) => {
  it('hands every caller a value of its own: a change to one, deep down, reaches no other caller', async () => {
    let runs = 0;
    const getUser = cached(async (id: number) => (runs++, userOf(id)), { cacheKey: 'memo:own:{id}', cacheInstance: under().backend, timeout: 600 });
    await getUser(1);
    const reads: User[] = [];
    for (let i = 0; i < 5; i++) reads.push(await getUser(1));
    expect(new Set(reads).size).toBe(5);
    reads[0]?.roles.push('root');
    if (reads[1]) reads[1].profile.name = 'Eve';
    if (reads[2]) reads[2].id = 99;
    expect(await getUser(1)).toEqual(userOf(1));
    expect(reads[4]).toEqual(userOf(1));
    expect(runs).toBe(1);
  });

  it('hands each of the calls in flight together a value of its own', async () => {
    const getUser = cached(async (id: number) => userOf(id), { cacheKey: 'memo:together:{id}', cacheInstance: under().backend, timeout: 600 });
    for (let i = 0; i < 3; i++) await getUser(5);
    const reads = await Promise.all(Array.from({ length: 20 }, () => getUser(5)));
    expect(new Set(reads).size).toBe(20);
    reads[0]?.roles.push('root');
    for (const read of reads.slice(1)) expect(read).toEqual(userOf(5));
  });

  it('parses a hit\'s text only until the same text came back twice, then copies it', async () => {
    const getUser = cached(async (id: number) => userOf(id), { cacheKey: 'memo:parse:{id}', cacheInstance: under().backend, timeout: 600 });
    await getUser(2);
    expect(await parsesDuring(() => getUser(2))).toBe(1);
    expect(await parsesDuring(() => getUser(2))).toBe(1);
    expect(await parsesDuring(async () => {
      for (let i = 0; i < 10; i++) expect(await getUser(2)).toEqual(userOf(2));
    })).toBe(0);
  });

  it('decodes the text another writer left, never the value kept for the text before', async () => {
    const { backend } = under();
    const getUser = cached(async (id: number) => userOf(id), { cacheKey: 'memo:writer:{id}', cacheInstance: backend, timeout: 600 });
    for (let i = 0; i < 4; i++) await getUser(3);
    // Another writer's entry: the same one with a new name, written past the cached function.
    const entry = (await backend.get('memo:writer:3')) as { v: User };
    expect(entry).not.toBe(NOT_FOUND);
    entry.v.profile.name = 'Grace';
    await backend.set('memo:writer:3', entry, 600);
    expect(await getUser(3)).toEqual(userOf(3, 'Grace'));
    expect(await getUser(3)).toEqual(userOf(3, 'Grace'));
  });

  it('copies tagged hits too, and an invalidated tag still makes the kept entry a miss', async () => {
    let runs = 0;
    const getUser = cached(async (id: number) => (runs++, userOf(id, `run ${runs}`)), { cacheKey: 'memo:tagged:{id}', tags: ['memo-users'], cacheInstance: under().backend, timeout: 600 });
    await getUser(4);
    await getUser(4);
    await getUser(4);
    const copied = await getUser(4);
    copied.roles.length = 0;
    expect(await parsesDuring(() => getUser(4))).toBe(0);
    expect(await getUser(4)).toEqual(userOf(4, 'run 1'));
    await getUser.invalidateCacheByTags('memo-users');
    expect(await getUser(4)).toEqual(userOf(4, 'run 2'));
    expect(runs).toBe(2);
  });

  it("hands a read's foresee the very value the read returns while the text stays, and nothing it returns once the text changed", async () => {
    const { backend } = under();
    const key = 'memo:foresee:6';
    await cached(async (id: number) => userOf(id), { cacheKey: 'memo:foresee:{id}', cacheInstance: backend, timeout: 600 })(6);
    const foreseen: unknown[] = [];
    const read = () => backend.get(key, (likely) => foreseen.push(likely));
    // The key's first text is kept alone, its second read keeps a copy: nothing to foresee before.
    await read();
    await read();
    expect(foreseen).toEqual([]);
    const kept = await read();
    expect(foreseen).toHaveLength(1);
    expect(kept).toBe(foreseen[0]);
    const entry = kept as { v: User };
    entry.v.profile.name = 'Grace';
    await backend.set(key, entry, 600);
    const changed = await read();
    expect(foreseen).toHaveLength(2);
    expect(changed).not.toBe(foreseen[1]);
    expect((changed as { v: User }).v).toEqual(userOf(6, 'Grace'));
    expect((foreseen[1] as { v: User }).v).toEqual(userOf(6));
  });

  it('serves a stale entry backing off by its foreseen copy, and a fresh entry another writer left meanwhile as a hit', async () => {
    const { backend } = under();
    const key = 'memo:backoff:7';
    const events: CacheEvent[] = [];
    const errors: unknown[] = [];
    let failing = false;
    let runs = 0;
    const getUser = cached(
      async (id: number) => {
        runs++;
        if (failing) throw new Error('the source is down (test)');
        return userOf(id);
      },
      { cacheKey: 'memo:backoff:{id}', cacheInstance: backend, timeout: 600, grace: 600, softTimeoutMs: 0, graceBackoff: 600, onEvent: (event) => events.push(event), onError: (error) => errors.push(error) },
    );
    await getUser(7);
    await getUser.expireCacheByKey(7);
    failing = true;
    expect(await getUser(7)).toEqual(userOf(7)); // stale: served, and its refresh fails into backoff
    await waitFor(() => errors.length === 1, 0);
    events.length = 0;
    for (let i = 0; i < 4; i++) expect(await getUser(7)).toEqual(userOf(7));
    expect(events.map((event) => (event.type === 'stale' ? event.reason : event.type))).toEqual(['backoff', 'backoff', 'backoff', 'backoff']);
    expect(runs).toBe(2);
    // Another writer's fresh entry with a new name: the read foresees the stale copy, the reply is not it.
    const entry = (await backend.get(key)) as { v: User; f?: number };
    entry.v.profile.name = 'Grace';
    entry.f = Date.now() + 600_000;
    await backend.set(key, entry, 600);
    events.length = 0;
    expect(await getUser(7)).toEqual(userOf(7, 'Grace'));
    expect(events.map((event) => event.type)).toEqual(['hit']);
    expect(runs).toBe(2);
  });
});
