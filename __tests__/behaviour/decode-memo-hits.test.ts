/**
 * Hits through the remote backends' decode memo, on the real servers: a key read again unchanged
 * is copied instead of parsed, every caller still gets a value of its own, and a key whose text
 * changed (another writer) is decoded anew.
 */
import { cached, NOT_FOUND } from '../../lib';
import { describeOnBackends } from '../helpers/backends-under-test';

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
});
