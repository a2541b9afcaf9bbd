import * as fs from 'node:fs';
import * as path from 'node:path';
import { cached, MemoryCache, SerializationError, type EasyCacheError, type ErrorInfo } from '../../lib';
import { findLostPrototype, findUnstorable } from '../../lib/serializer/find-in-value';
import { z } from 'zod';
import { describeOnBackends } from '../helpers/backends-under-test';
import { freshNamespace } from './suites/backend-factory';

class User {
  constructor(
    readonly id: number,
    readonly name: string,
  ) {}

  greet(): string {
    return `hello ${this.name}`;
  }
}

/** An `onError` that keeps what it receives. */
function collector(): { reports: Array<{ error: EasyCacheError; info: ErrorInfo }>; onError: (error: EasyCacheError, info: ErrorInfo) => void } {
  const reports: Array<{ error: EasyCacheError; info: ErrorInfo }> = [];
  return { reports, onError: (error, info) => reports.push({ error, info }) };
}

describe('finding what a value loses, by the user path', () => {
  it('names the first class instance, skipping the kinds the serializer keeps', () => {
    expect(findLostPrototype({ at: new Date(0), ids: new Set([1]), raw: Buffer.from('a'), byId: new Map([[1, { n: 1 }]]) })).toBeUndefined();
    expect(findLostPrototype(new User(1, 'Ann'))).toEqual({ what: 'an instance of User', path: 'value' });
    expect(findLostPrototype({ list: [{ owner: new User(1, 'Ann') }] })).toEqual({ what: 'an instance of User', path: 'value.list[0].owner' });
    expect(findLostPrototype(new Map([['a', new User(1, 'Ann')]]))).toEqual({ what: 'an instance of User', path: 'value.get("a")' });
    expect(findLostPrototype(Object.create(null) as object)).toBeUndefined();
  });

  it('names the first function or symbol, and walks cycles without looping', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(findUnstorable(cyclic)).toBeUndefined();
    expect(findUnstorable({ cb: () => 1 })).toEqual({ what: 'a function', path: 'value.cb' });
    expect(findUnstorable([{ ok: 1 }, { cb: () => 1 }])).toEqual({ what: 'a function', path: 'value[1].cb' });
    expect(findUnstorable({ 'odd key': Symbol('s') })).toEqual({ what: 'a symbol', path: 'value["odd key"]' });
    expect(findUnstorable(new Set([1, () => 2]))).toEqual({ what: 'a function', path: 'value(item #1)' });
  });

  it('never throws, even for a getter that does', () => {
    const hostile = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(findUnstorable(hostile)).toBeUndefined();
    expect(findLostPrototype({ hostile })).toBeUndefined();
  });
});

describeOnBackends('values that change shape on %s', ['memory', 'redis', 'memcached'], { label: 'value-shapes', memcachedServers: 'all' }, (under) => {
  it('reports once per function a class instance that a hit returns as a plain object, pointing at the ways to keep it', async () => {
    const ns = freshNamespace();
    const { reports, onError } = collector();
    let runs = 0;
    const getUser = cached(async (id: number) => ++runs && new User(id, 'Ann'), { cacheKey: `${ns}:user:{id}`, cacheInstance: under().backend, onError });

    const first = await getUser(1);
    expect(first).toBeInstanceOf(User);
    const hit = await getUser(1);
    expect(runs).toBe(1);
    // The hit is the promised loss: the same own data, no class, no methods.
    expect(hit).not.toBeInstanceOf(User);
    expect({ ...hit }).toEqual({ id: 1, name: 'Ann' });
    expect((hit as Partial<User>).greet).toBeUndefined();

    await getUser(2);
    await getUser(3);
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report?.error).toBeInstanceOf(SerializationError);
    expect(report?.info).toEqual({ operation: 'encode', key: `${ns}:user:1`, function: expect.any(String) as string });
    expect(report?.error.message).toContain('holds an instance of User at value;');
    expect(report?.error.message).toContain('plain object');
    expect(report?.error.message).toContain('copy: false');
    expect(report?.error.message).toContain('serializer');
  });

  it('names the path inside the value, and reports each cached function on its own', async () => {
    const ns = freshNamespace();
    const { reports, onError } = collector();
    const options = { cacheInstance: under().backend, onError };
    const team = cached(async (id: number) => ({ id, members: [new User(id, 'Ann')] }), { ...options, cacheKey: `${ns}:team:{id}` });
    const owner = cached(async (id: number) => ({ owner: new User(id, 'Bo') }), { ...options, cacheKey: `${ns}:owner:{id}` });
    await team(1);
    await owner(1);
    await team(2);
    expect(reports.map((report) => report.error.message.match(/holds (.*?);/)?.[1])).toEqual([
      'an instance of User at value.members[0]',
      'an instance of User at value.owner',
    ]);
  });

  it('names a function inside the value by the path the user wrote, not the stored entry', async () => {
    const ns = freshNamespace();
    const { reports, onError } = collector();
    let runs = 0;
    const options = { cacheInstance: under().backend, onError };
    const withCallback = cached(async (id: number) => ({ id, cb: () => ++runs }), { ...options, cacheKey: `${ns}:cb:{id}` });
    const listed = cached(async (id: number) => [{ id, cb: () => ++runs }], { ...options, cacheKey: `${ns}:list:{id}` });

    expect(typeof (await withCallback(1)).cb).toBe('function');
    await withCallback(1);
    await listed(1);
    const messages = reports.map((report) => report.error.message);
    expect(messages).toHaveLength(3); // not stored, so every call recomputes and is reported again
    expect(messages[0]).toContain('holds a function at value.cb,');
    expect(messages[2]).toContain('holds a function at value[0].cb,');
    for (const message of messages) expect(message).not.toContain('value.v');
    expect(reports.every((report) => report.error instanceof SerializationError && report.info.operation === 'set')).toBe(true);
    expect((reports[0]?.error as Error).cause).toBeInstanceOf(SerializationError);
  });
});

describe('backends that keep instances say nothing', () => {
  it.each([
    ['copy: false', () => new MemoryCache({ copy: false })],
    ['a custom serializer', () => new MemoryCache({ serializer: { encode: (value: unknown) => JSON.stringify(value), decode: (text: string): unknown => JSON.parse(text) } })],
  ])('MemoryCache with %s', async (_name, make) => {
    const { reports, onError } = collector();
    const backend = make();
    const getUser = cached(async (id: number) => new User(id, 'Ann'), { cacheKey: `${freshNamespace()}:kept:{id}`, cacheInstance: backend, onError });
    await getUser(1);
    await getUser(1);
    expect(reports).toEqual([]);
    expect(backend.losesPrototypes).toBe(false);
  });

  it('a function with a schema whose output builds the class: hits are instances, nothing is reported', async () => {
    const { reports, onError } = collector();
    const asUser = z.object({ id: z.number(), name: z.string() }).transform((data) => new User(data.id, data.name));
    let runs = 0;
    const getUser = cached(async (id: number) => ++runs && new User(id, 'Ann'), {
      cacheKey: `${freshNamespace()}:schema:{id}`,
      cacheInstance: new MemoryCache(),
      schema: asUser,
      onError,
    });
    expect((await getUser(1)).greet()).toBe('hello Ann');
    expect((await getUser(1)).greet()).toBe('hello Ann'); // a hit, rebuilt by the schema
    expect(runs).toBe(1);
    expect(reports).toEqual([]);
  });

  it('MemoryCache with its defaults says it loses them', () => {
    expect(new MemoryCache().losesPrototypes).toBe(true);
  });
});

describe('how often values are checked', () => {
  it('checks the first hundred values of a function, then one in a hundred, so a late class instance is still reported', async () => {
    const { reports, onError } = collector();
    const lookup = cached(async (id: number) => (id < 150 ? { id } : new User(id, 'Late')), {
      cacheKey: `${freshNamespace()}:late:{id}`,
      cacheInstance: new MemoryCache(),
      onError,
    });
    for (let id = 0; id < 200; id++) await lookup(id);
    expect(reports).toEqual([]); // values 150..199 are the 151st..200th: none of them is a hundredth
    await lookup(200); // the 201st value: checked
    expect(reports.map((report) => report.info.key)).toEqual([expect.stringMatching(/:late:200$/)]);
  });
});

describe('the messages docs/errors.md shows', () => {
  it('are the messages a user sees, word for word', async () => {
    const errorsPage = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    const { reports, onError } = collector();
    const cacheInstance = new MemoryCache();
    const getItems = cached(async (id: number) => [{ id }, { id, cb: () => id }], { cacheKey: 'items:{id}', cacheInstance, onError, name: 'getItems' });
    async function loadUser(id: number): Promise<User> {
      return new User(id, 'Ann');
    }
    const getUser = cached(loadUser, { cacheKey: 'user:{id}', cacheInstance, onError, name: 'getUser' });
    await getItems(1);
    await getUser(1);
    expect(reports).toHaveLength(2);
    for (const { error } of reports) expect(errorsPage).toContain(`\n${error.message}\n`);
  });
});
