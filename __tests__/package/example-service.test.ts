import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { releaseBackend } from '../../docs/examples/bookstore-service/backend';
import { startService, type RunningService } from '../../docs/examples/bookstore-service/service';
import { MemoryCache } from '../../lib';
import { describeWithMemcached, describeWithRedis } from '../helpers/server-suites';

// The book store example of docs/examples/bookstore-service: its driver, run as `npm run
// example:drive -- --quick` runs it, prints the figures on every backend; the service it drives
// answers over HTTP and keeps reads fresh after writes.

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const DRIVER = path.join(REPO_ROOT, 'docs', 'examples', 'bookstore-service', 'drive.ts');

async function drive(env: Record<string, string>): Promise<string> {
  const clean = { ...process.env };
  for (const name of ['REDIS_URL', 'MEMCACHED_SERVERS', 'EASY_CACHE_DEBUG', 'QUERY_DELAY_MS']) delete clean[name];
  const { stdout } = await promisify(execFile)(process.execPath, [TS_NODE, '--transpile-only', DRIVER, '--quick'], {
    cwd: REPO_ROOT,
    env: { ...clean, ...env },
    timeout: 30_000,
  });
  return stdout;
}

function expectFigures(output: string, backend: string): void {
  expect(output).toContain(`cache:    ${backend}`);
  expect(output).toMatch(/without cache\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+/);
  expect(output).toMatch(/with cache\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+/);
  const [, hits, rate, errors] = /(\d+) hits, \d+ misses, hit rate ([\d.]+)%; \d+ invalidations; (\d+) backend errors/.exec(output) ?? [];
  expect(Number(hits)).toBeGreaterThan(0);
  expect(Number(rate)).toBeGreaterThan(0);
  expect(errors).toBe('0');
  const [, queriesWithout, queriesWith] = /database queries (\d+) -> (\d+)/.exec(output) ?? [];
  expect(Number(queriesWith)).toBeLessThan(Number(queriesWithout));
  expect(output).toMatch(/all \d+ read responses identical with and without the cache: no stale data/);
}

describe('the book store driver', () => {
  it('prints latency, database queries and a hit rate above 0 on the memory backend', async () => {
    expectFigures(await drive({}), 'memory');
  }, 30_000);

  it('rejects an unknown argument, naming it', async () => {
    await expect(promisify(execFile)(process.execPath, [TS_NODE, '--transpile-only', DRIVER, '--fast'], { cwd: REPO_ROOT })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown argument "--fast"'),
    });
  }, 30_000);
});

describeWithRedis('the book store driver on Redis', ([address]) => {
  it('prints the figures with REDIS_URL', async () => {
    expectFigures(await drive({ REDIS_URL: `redis://${address}` }), `redis (redis://${address})`);
  }, 30_000);
});

describeWithMemcached('the book store driver on Memcached', (addresses) => {
  it('prints the figures with MEMCACHED_SERVERS', async () => {
    expectFigures(await drive({ MEMCACHED_SERVERS: addresses.join(',') }), `memcached (${addresses.join(', ')})`);
  }, 30_000);
});

describe('the book store service', () => {
  const backend = new MemoryCache();
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({ backend, port: 0, host: '127.0.0.1', queryDelayMs: 0 });
  });
  afterAll(async () => {
    await service.close();
    await releaseBackend(backend);
  });

  const send = async (method: string, route: string, body?: object): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(service.url + route, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, json: await response.json() };
  };

  it('serves repeated reads from the cache and shows a renamed book in every list holding it', async () => {
    const first = await send('GET', '/users/3/favourites');
    const before = service.db.queries;
    expect(await send('GET', '/users/3/favourites')).toEqual(first);
    expect(service.db.queries).toBe(before);

    const [book] = first.json as { id: number; title: string }[];
    expect(book).toBeDefined();
    expect((await send('PUT', `/books/${book?.id}`, { title: 'A new title' })).status).toBe(200);
    const after = (await send('GET', '/users/3/favourites')).json as { id: number; title: string }[];
    expect(after.find((entry) => entry.id === book?.id)?.title).toBe('A new title');
    expect(((await send('GET', `/books/${book?.id}`)).json as { title: string }).title).toBe('A new title');
  });

  it('drops a shop\'s entries when its stock changes, and only that shop\'s', async () => {
    await send('GET', '/shops/north/books/3/copies');
    await send('GET', '/shops/south/books/3/copies');
    expect((await send('PUT', '/shops/north/books/3/copies', { copies: 42 })).status).toBe(200);
    const before = service.db.queries;
    expect((await send('GET', '/shops/north/books/3/copies')).json).toEqual({ copies: 42 });
    expect(service.db.queries).toBe(before + 1);
    await send('GET', '/shops/south/books/3/copies');
    expect(service.db.queries).toBe(before + 1);
  });

  it('answers bad input with a 400 that names the field', async () => {
    expect(await send('GET', '/books/abc')).toMatchObject({ status: 400, json: { message: 'params/id must be integer' } });
    expect(await send('PUT', '/books/1', { name: 'x' })).toMatchObject({ status: 400, json: { message: expect.stringMatching(/title/) } });
    expect(await send('GET', '/shops/nowhere/shelf')).toMatchObject({ status: 400, json: { message: expect.stringMatching(/params\/shop/) } });
  });
});
