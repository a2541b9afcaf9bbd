/**
 * Coherence delay of the near cache across two processes: this process holds an entry in the
 * near cache of a RedisCache; another process (forked) invalidates it; the delay is from the
 * invalidation resolving there to this process no longer holding the old entry (or tag version).
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLES = 300;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'near-writer-child.js');

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const clock = () => performance.timeOrigin + performance.now();

async function trusted(cache) {
  const deadline = Date.now() + 10_000;
  while (cache.nearCacheState !== 'trusted') {
    if (Date.now() > deadline) throw new Error('client tracking did not come up within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The forked writer: `ask(order)` resolves to the moment its invalidation resolved. */
async function startWriter(port, prefix) {
  const child = fork(CHILD, [String(port), prefix], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let answer;
  child.on('message', (message) => answer?.(message));
  const next = () => new Promise((resolve) => (answer = resolve));
  await next();
  return {
    ask: (order) => {
      const reply = next();
      child.send(order);
      return reply.then((message) => message.resolvedAt);
    },
    stop: () => child.send({ op: 'stop' }),
  };
}

/** Delays in ms (sorted): `hold()` until `held()`, ask the writer, poll until not `held()`. */
async function delays(writer, order, hold, held) {
  const found = [];
  for (let i = 0; i < SAMPLES; i++) {
    for (let tries = 0; !held() && tries < 100; tries++) await hold();
    if (!held()) throw new Error('the entry never came into the near cache');
    const resolvedThere = writer.ask(order);
    while (held()) await nextTurn();
    const droppedHere = clock();
    found.push(Math.max(0, droppedHere - (await resolvedThere)));
  }
  return found.sort((a, b) => a - b);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export default {
  id: 'near-coherence',
  title: 'Near cache coherence delay across two processes (Redis client tracking, loopback)',
  measures: `From an invalidation resolving in another process to this process's near cache no longer holding the old value (0 when the push came first); ${SAMPLES} invalidations each; milliseconds.`,
  backend: 'redis',
  custom: true,
  table: (rows) => [
    ['invalidation in the other process', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'samples'],
    rows.map((row) => (row.error ? [row.label, 'error', '', '', '', row.error] : [row.label, row.p50.toFixed(3), row.p90.toFixed(3), row.p99.toFixed(3), row.max.toFixed(3), String(row.samples)])),
  ],
  async measure(env) {
    const { core, redis: redisEntry } = env.lib;
    const prefix = `${env.prefix}near-coherence`;
    const client = new env.clients.Redis({ host: '127.0.0.1', port: env.redisPort });
    const reader = new redisEntry.RedisCache(client, { prefix, nearCache: {} });
    const rows = [];
    let writer;
    try {
      writer = await startWriter(env.redisPort, prefix);
      await trusted(reader);
      let runs = 0;
      const get = core.cached(async (id) => ({ id, run: runs++ }), { cacheKey: 'user:{id}', tags: ['users'], cacheInstance: reader });
      const heldKey = (key) => () => reader.getSync(key) !== core.NOT_HELD;
      const byKey = await delays(writer, { op: 'key', key: 'user:1' }, () => get(1), heldKey('user:1'));
      const byTag = await delays(writer, { op: 'tag', tag: 'users' }, () => get(1), heldKey('tag:users'));
      for (const [label, sorted] of [['by key (DEL of the entry)', byKey], ['by tag (new tag version)', byTag]]) {
        rows.push({ label, role: 'easy-cache', p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], samples: sorted.length });
      }
    } catch (error) {
      rows.push({ label: 'near cache coherence', role: 'easy-cache', error: error.message });
    } finally {
      writer?.stop();
      await reader.close();
      client.disconnect();
    }
    return rows;
  },
};
