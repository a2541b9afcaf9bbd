import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describeWithRedis } from '../helpers/server-suites';
import { REPO_ROOT, extractSamples } from './sample-checker';

// The service of docs/getting-started.md ("A complete service in one page"), run as written
// against the test Redis: it answers, caches, invalidates on a price change, and exits on SIGTERM
// because it closes its backend.

const PAGE = path.join(REPO_ROOT, 'docs', 'getting-started.md');
const HEADING = '## A complete service in one page';
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

/** The page's service sample, its package imports pointed at the sources. */
function serviceSource(): string {
  const markdown = fs.readFileSync(PAGE, 'utf8');
  const headingLine = markdown.slice(0, markdown.indexOf(HEADING)).split('\n').length;
  const sample = extractSamples(markdown, 'getting-started.md').find((found) => found.fenceLine > headingLine);
  if (!sample) throw new Error(`no code block after "${HEADING}"`);
  return sample.code
    .replace(`from 'easy-cache/redis'`, `from ${JSON.stringify(path.join(REPO_ROOT, 'lib', 'backends', 'redis'))}`)
    .replace(`from 'easy-cache'`, `from ${JSON.stringify(path.join(REPO_ROOT, 'lib'))}`);
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The answer of the service, retried while it is still starting (connection refused). */
async function ask(port: number, url: string, method = 'GET'): Promise<{ status: number; body: unknown }> {
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${url}`, { method });
      return { status: response.status, body: (await response.json()) as unknown };
    } catch (error) {
      if (!String((error as { cause?: unknown }).cause).includes('ECONNREFUSED')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describeWithRedis('the service of getting-started.md', ([address]) => {
  const file = path.join(REPO_ROOT, '__tests__', 'docs', `.getting-started-service-${process.pid}.ts`);
  let child: ChildProcess | undefined;

  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(file, { force: true });
  });

  it('serves, caches, invalidates on a price change, and exits on SIGTERM', async () => {
    fs.writeFileSync(file, serviceSource());
    const port = await freePort();
    const env = { ...process.env, REDIS_URL: `redis://${address}`, PORT: String(port), EASY_CACHE_DEBUG: 'yes' };
    const started = spawn(process.execPath, [TS_NODE, '--transpile-only', file], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));

    expect(await ask(port, '/products/1')).toEqual({ status: 200, body: { id: 1, name: 'Green tea', price: 4 } });
    expect(await ask(port, '/products/1')).toEqual({ status: 200, body: { id: 1, name: 'Green tea', price: 4 } });
    expect(await ask(port, '/products/1?price=5', 'PUT')).toEqual({ status: 200, body: { id: 1, name: 'Green tea', price: 5 } });
    expect(await ask(port, '/products/2')).toEqual({ status: 404, body: null });
    expect(output.match(/\b(MISS|HIT)\b[^\n]*product:1/g)?.map((line) => line.split(' ')[0])).toEqual(['MISS', 'HIT', 'MISS']);

    started.kill('SIGTERM');
    expect(await exited).toBe(0); // it exits by itself: nothing (the Redis client) is left open
    expect(output).not.toMatch(/error/i);
  }, 60_000);
});
