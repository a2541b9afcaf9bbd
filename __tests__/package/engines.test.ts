import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

// `npm ci` on the oldest Node that package.json allows prints no EBADENGINE warning: every
// package of the lock file, development ones included, accepts that version. (cookie 2 wants
// Node 22; fastify reached it through light-my-request 6.8, so package.json pins 6.6.)

const ROOT = path.resolve(__dirname, '..', '..');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

describe('engines', () => {
  const manifest = readJson('package.json') as { engines: { node: string } };
  const oldest = semver.minVersion(manifest.engines.node)?.version ?? '';

  it('package.json names the oldest Node it supports', () => {
    expect(oldest).toBe('20.0.0');
  });

  it('every package in package-lock.json accepts that Node', () => {
    const lock = readJson('package-lock.json') as { packages: Record<string, { version?: string; engines?: unknown }> };
    const refusing = Object.entries(lock.packages).flatMap(([where, entry]) => {
      const range = (entry.engines as { node?: unknown } | undefined)?.node;
      return typeof range === 'string' && !semver.satisfies(oldest, range) ? [`${where}@${entry.version}: node ${range}`] : [];
    });
    expect(refusing).toEqual([]);
  });
});
