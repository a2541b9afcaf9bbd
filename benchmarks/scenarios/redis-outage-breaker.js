/**
 * Calls during a frozen-Redis outage (SIGSTOP), with the circuit breaker (SPEC 11.5, on by
 * default) and without it (`breaker: false`), side by side in one run on one frozen server of its
 * own: the latency of each call, p50 / p99 / max, against the function alone.
 */
import { performance } from 'node:perf_hooks';
import { loadServerHarness } from '../lib/load-library.js';
import { formatNumber } from '../lib/report.js';

/** The bound on each Redis call: the library's default. */
const BOUND_MS = 250;
/** A call that took this long waited for a bound (a probe, or every call without the breaker). */
const WAITED_MS = BOUND_MS * 0.8;

const user = (id) => ({ id, name: `user ${id}`, email: `user${id}@example.com`, roles: ['reader', 'writer'] });

/** Latencies (ms) of `count` calls of `call(i)`, awaited one at a time. */
async function latencies(count, call) {
  const times = new Array(count);
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    times[i] = performance.now() - started;
  }
  return times;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(label, times, note = '') {
  const sorted = [...times].sort((a, b) => a - b);
  const waited = times.filter((ms) => ms >= WAITED_MS).length;
  return { label, calls: times.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), waited, note };
}

/** `ms` as µs below 1 ms, else ms. */
function shown(ms) {
  return ms < 1 ? `${formatNumber(ms * 1000)} µs` : `${formatNumber(ms)} ms`;
}

export default {
  id: 'redis-outage-breaker',
  title: 'Redis frozen (SIGSTOP): calls with and without the circuit breaker',
  measures:
    'A Redis server of this scenario holds 64 cached users, then is frozen with SIGSTOP (it keeps its connections and answers nothing). Each contender then calls `getUser(id)` over the 64 ids one at a time, and each call is timed. With the breaker (the default: 3 failures in a row, open 2,000 ms), the calls that opened it are made first and not counted; the counted ones run within one open period (a probe every 2,000 ms would wait one bound). Without it (`breaker: false`), every call waits for the bound (250 ms, the default) before running the function uncached. Both rows are measured during the same freeze.',
  backend: 'own-redis',
  custom: true,
  async measure(env) {
    const { cached } = env.lib.core;
    const { RedisCache } = env.lib.redis;
    const quick = env.footprintRuns === 1;
    const harness = loadServerHarness();
    const server = await harness.startRedis();
    const load = async (id) => user(id);
    let openings = 0;
    const on = (options) => {
      const backend = new RedisCache({ host: server.host, port: server.port }, { prefix: `outage-${options.breaker === false ? 'plain' : 'breaker'}`, ...options });
      // The default warning would print once a second per backend; the figures are what matters here.
      const onEvent = (event) => (openings += event.type === 'breaker-open' ? 1 : 0);
      const get = cached(load, { cacheKey: 'user:{id}', timeout: 3600, cacheInstance: backend, onError: () => undefined, onEvent });
      return { backend, get };
    };
    const withBreaker = on({});
    const without = on({ breaker: false });
    const rows = [];
    let frozen = false;
    try {
      for (const { get } of [withBreaker, without]) for (let id = 1; id <= 64; id++) await get(id);
      rows.push(summary('the function alone (no cache)', await latencies(quick ? 2000 : 20000, (i) => load((i % 64) + 1)), 'the floor'));
      process.kill(server.pid, 'SIGSTOP');
      frozen = true;
      // Calls until the breaker opens (3 reads cut at their bound); these are not counted.
      let opened = 0;
      while (openings === 0 && opened < 20) {
        await withBreaker.get(1);
        opened += 1;
      }
      const open = await latencies(quick ? 2000 : 20000, (i) => withBreaker.get((i % 64) + 1));
      rows.push(summary('easy-cache, new RedisCache(...) (breaker on: the default), breaker open', open, `${opened} calls opened it first`));
      const plain = await latencies(quick ? 8 : 20, (i) => without.get((i % 64) + 1));
      rows.push(summary("easy-cache, new RedisCache(..., { breaker: false })", plain));
    } finally {
      if (frozen) process.kill(server.pid, 'SIGCONT');
      await Promise.all([withBreaker, without].map(({ backend }) => backend.close().catch(() => undefined)));
      await harness.stopServer(server);
    }
    return rows;
  },
  /** The table of this scenario: header and cells. */
  table(rows) {
    return [
      ['contender', 'calls', 'p50', 'p99', 'max', 'calls that waited ≥ 200 ms', 'note'],
      rows.map((row) => (row.error ? [row.label, '', 'error', '', '', '', row.error] : [row.label, String(row.calls), shown(row.p50), shown(row.p99), shown(row.max), String(row.waited), row.note])),
    ];
  },
};
