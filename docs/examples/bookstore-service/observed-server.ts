// `npm run example:otel`: the book store of server.ts, observed with OpenTelemetry. The cache's
// metrics are served for Prometheus on http://127.0.0.1:9464/metrics (METRICS_PORT to change);
// OTEL_CONSOLE_SPANS=yes also prints the span of every miss and stale return. Same settings as
// server.ts otherwise (PORT, HOST, QUERY_DELAY_MS, REDIS_URL, MEMCACHED_SERVERS).
import { randomUUID } from 'node:crypto';
import { chooseBackend, releaseBackend } from './backend';
import { readIntegerEnv } from './settings';
import { startService } from './service';
import { startTelemetry } from './telemetry';

async function main(): Promise<void> {
  const port = readIntegerEnv('PORT', 3000, { min: 0, max: 65_535 });
  const metricsPort = readIntegerEnv('METRICS_PORT', 9464, { min: 0, max: 65_535 });
  const queryDelayMs = readIntegerEnv('QUERY_DELAY_MS', 5, { min: 0, max: 10_000 });
  const host = process.env.HOST ?? '127.0.0.1';
  const telemetry = await startTelemetry({ port: metricsPort, host, consoleSpans: process.env.OTEL_CONSOLE_SPANS === 'yes' });
  const { label, backend } = await chooseBackend(process.env, `bookstore-${randomUUID().slice(0, 8)}`);
  const service = await startService({ backend, port, host, queryDelayMs });
  console.log(`Book store listening on ${service.url} (cache: ${label}); metrics on ${telemetry.metricsUrl}`);
  console.log(`Try: curl ${service.url}/users/1/favourites; curl ${service.url}/users/1/favourites; curl ${telemetry.metricsUrl}`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await service.close();
    await releaseBackend(backend);
    await telemetry.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
