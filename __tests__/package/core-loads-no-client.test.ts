import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Loading `easy-cache` must not load ioredis or memcached (optional peers); each subpath loads only its own.
function modulesLoadedBy(entry: string): string[] {
  const script = `
    require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
    require(${JSON.stringify(entry)});
    const names = Object.keys(require.cache)
      .filter((file) => file.includes('node_modules'))
      .map((file) => file.split('node_modules/').pop().split('/')[0]);
    console.log(JSON.stringify([...new Set(names)]));
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

  it('easy-cache/redis loads ioredis but not memcached', () => {
    const loaded = modulesLoadedBy(path.join(lib, 'backends/redis/index.ts'));
    expect(loaded).toContain('ioredis');
    expect(loaded).not.toContain('memcached');
  }, 30_000);

  it('easy-cache/memcached loads memcached but not ioredis', () => {
    const loaded = modulesLoadedBy(path.join(lib, 'backends/memcached/index.ts'));
    expect(loaded).toContain('memcached');
    expect(loaded).not.toContain('ioredis');
  }, 30_000);
});
