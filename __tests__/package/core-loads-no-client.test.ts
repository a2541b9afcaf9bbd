import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Loading `easy-cache` must not load ioredis or memcached (optional peers); each subpath loads only its
// own, and only when its backend is first built (so importing an entry whose peer is not installed works).
function modulesLoadedBy(entry: string, use = ''): string[] {
  const script = `
    require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
    const entry = require(${JSON.stringify(entry)});
    ${use}
    const names = Object.keys(require.cache)
      .filter((file) => file.includes('node_modules'))
      .map((file) => file.split('node_modules/').pop().split('/')[0]);
    console.log(JSON.stringify([...new Set(names)]));
    process.exit(0);
  `;
  const output = execFileSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop() ?? '[]') as string[];
}

describe('entry points load only their own client', () => {
  const lib = path.resolve(__dirname, '../../lib');

  it('easy-cache loads neither ioredis nor memcached', () => {
    const loaded = modulesLoadedBy(path.join(lib, 'index.ts'));
    expect(loaded).toContain('zod');
    expect(loaded).not.toContain('ioredis');
    expect(loaded).not.toContain('memcached');
  }, 30_000);

  it('easy-cache/redis loads ioredis when a RedisCache is built, never memcached', () => {
    const entry = path.join(lib, 'backends/redis/index.ts');
    expect(modulesLoadedBy(entry)).not.toContain('ioredis');
    const loaded = modulesLoadedBy(entry, "new entry.RedisCache({ url: 'redis://127.0.0.1:9', lazyConnect: true });");
    expect(loaded).toContain('ioredis');
    expect(loaded).not.toContain('memcached');
  }, 30_000);

  it('easy-cache/memcached loads memcached when a MemcachedCache is built, never ioredis', () => {
    const entry = path.join(lib, 'backends/memcached/index.ts');
    expect(modulesLoadedBy(entry)).not.toContain('memcached');
    const loaded = modulesLoadedBy(entry, "new entry.MemcachedCache('127.0.0.1:9');");
    expect(loaded).toContain('memcached');
    expect(loaded).not.toContain('ioredis');
  }, 30_000);
});
