/**
 * Run in a fresh process by diagnostics-channel.test.ts: subscribes to easy-cache's channels with
 * `node:diagnostics_channel` alone (no easy-cache/otel), makes a hit, a miss, a stale return and
 * an error on a memory backend, and prints what the channels carried as one JSON line.
 */
import * as diagnostics from 'node:diagnostics_channel';
import { cached, MemoryCache } from '../../lib';

interface Seen {
  readonly phase: string;
  readonly function: unknown;
  readonly key: unknown;
  readonly outcome: unknown;
  readonly staleReason: unknown;
  readonly error: unknown;
}

async function main(): Promise<void> {
  const seen: Seen[] = [];
  const events: string[] = [];
  const backendCalls: string[] = [];
  const record = (phase: string) => (message: unknown) => {
    const m = message as Record<string, unknown>;
    seen.push({ phase, function: m.function, key: m.key, outcome: m.outcome, staleReason: m.staleReason, error: m.error instanceof Error ? m.error.message : undefined });
  };
  // Nothing subscribed yet: this call publishes nothing.
  let clock = 1_000_000;
  const backend = new MemoryCache({ now: () => clock });
  let failing = false;
  const getBook = cached(
    async (id: number) => {
      if (failing) throw new Error(`no book ${id}`);
      return `book ${id}`;
    },
    { cacheKey: 'book:{id}', timeout: 10, grace: 60, cacheInstance: backend, onError: () => undefined },
  );
  await getBook(0);

  const calls = diagnostics.tracingChannel('easy-cache:call');
  calls.subscribe({ start: record('start'), end: record('end'), asyncStart: record('asyncStart'), asyncEnd: record('asyncEnd'), error: record('error') });
  diagnostics.subscribe('easy-cache:event', (event) => events.push((event as { type: string }).type));
  diagnostics.subscribe('tracing:easy-cache:backend:start', (message) => backendCalls.push((message as { operation: string }).operation));

  await getBook(1); // miss
  await getBook(1); // hit
  clock += 20_000;
  failing = true;
  await getBook(1); // stale: the function fails, the stale value is served
  await getBook(2).catch(() => undefined); // error: no stale value to fall back on
  console.log(JSON.stringify({ seen, events, backendCalls }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
