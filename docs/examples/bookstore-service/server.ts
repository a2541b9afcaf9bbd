// `npm run example`: the book store on http://127.0.0.1:3000 (PORT, HOST and QUERY_DELAY_MS to
// change), caching on memory, or on Redis / Memcached when REDIS_URL / MEMCACHED_SERVERS is set.
// EASY_CACHE_DEBUG=yes prints every HIT, MISS, SET and INVALIDATE.
import { randomUUID } from 'node:crypto';
import { chooseBackend, releaseBackend } from './backend';
import { readIntegerEnv } from './settings';
import { startService } from './service';

async function main(): Promise<void> {
  const port = readIntegerEnv('PORT', 3000, { min: 0, max: 65_535 });
  const queryDelayMs = readIntegerEnv('QUERY_DELAY_MS', 5, { min: 0, max: 10_000 });
  const host = process.env.HOST ?? '127.0.0.1';
  const { label, backend } = await chooseBackend(process.env, `bookstore-${randomUUID().slice(0, 8)}`);
  const service = await startService({ backend, port, host, queryDelayMs });
  console.log(`Book store listening on ${service.url} (cache: ${label}; each query waits ${queryDelayMs} ms)`);
  console.log(`Try: curl ${service.url}/users/1/favourites`);
  console.log(`     curl -X PUT -H 'content-type: application/json' -d '{"title":"New title"}' ${service.url}/books/5`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await service.close();
    await releaseBackend(backend);
    console.log(`Stopped after ${service.db.queries} database queries.`);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
