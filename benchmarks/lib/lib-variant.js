/**
 * Variants of the current `lib/` for A/B runs: a copy of the sources as they are now, loaded as a
 * library of its own next to `lib/`, optionally with one file rewritten (e.g. the channels
 * bypassed), so that one process measures the same commit with and without a feature.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadEasyCacheFrom } from './load-library.js';
import { temporaryRoot } from './temporary-root.js';

/**
 * The rewrite that takes `node:diagnostics_channel` out of the call path: the three checks the
 * call path makes (`callsTraced`, `eventsPublished`, `backendCallsTraced`) answer `false` as a
 * literal, so the branches behind them are dead code, as if the channels had never been added.
 */
export const CHANNELS_BYPASSED = {
  file: join('lib', 'observe', 'channels.ts'),
  replacements: [
    ['return traced(calls);', 'return false && traced(calls);'],
    ['return events.hasSubscribers;', 'return false && events.hasSubscribers;'],
    ['return traced(backendCalls);', 'return false && traced(backendCalls);'],
  ],
};

/**
 * Copies `lib/` (and `tsconfig.json`) into a temporary folder, applies `patch` (`{ file,
 * replacements: [[from, to]] }`, each `from` found exactly once, else it throws: the file changed
 * and the variant would no longer be what it says), and loads it like `lib/` (`dist` compiles it
 * first). Returns `{ core, redis, memcached, dir }`.
 */
export function loadLibVariant(tag, { patch, dist = false } = {}) {
  const dir = temporaryRoot(tag);
  cpSync(join(ROOT, 'lib'), join(dir, 'lib'), { recursive: true });
  cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  if (patch) applyPatch(join(dir, patch.file), patch);
  if (dist) execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  return { ...loadEasyCacheFrom(dir, { dist }), dir };
}

function applyPatch(path, patch) {
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of patch.replacements) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${patch.file}: expected "${from}" once, found it ${count} times; update the variant in benchmarks/lib/lib-variant.js`);
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}
