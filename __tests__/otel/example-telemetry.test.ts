/**
 * The book store observed with OpenTelemetry (docs/examples/bookstore-service/observed-server.ts):
 * after a miss and a hit, its /metrics endpoint serves easy-cache's metrics in the Prometheus
 * text format, by function and outcome (a counter without points, like backend errors, is left out).
 */
import { releaseBackend } from '../../docs/examples/bookstore-service/backend';
import { startService, type RunningService } from '../../docs/examples/bookstore-service/service';
import { startTelemetry, type RunningTelemetry } from '../../docs/examples/bookstore-service/telemetry';
import { MemoryCache } from '../../lib';

describe('the book store with easy-cache/otel and the Prometheus exporter', () => {
  const backend = new MemoryCache();
  let service: RunningService;
  let telemetry: RunningTelemetry;

  beforeAll(async () => {
    telemetry = await startTelemetry({ port: 0, host: '127.0.0.1', consoleSpans: false });
    service = await startService({ backend, port: 0, host: '127.0.0.1', queryDelayMs: 0 });
  });
  afterAll(async () => {
    await service.close();
    await releaseBackend(backend);
    await telemetry.close();
  });

  it('serves the calls by function and outcome, and their durations, on /metrics', async () => {
    await fetch(`${service.url}/books/3`);
    await fetch(`${service.url}/books/3`);
    const response = await fetch(telemetry.metricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    const calls = (outcome: string): number => {
      const line = text.split('\n').find((row) => row.startsWith('easy_cache_calls') && row.includes('BookRepository.find') && row.includes(`easy_cache_outcome="${outcome}"`));
      return Number(line?.split(' ').pop());
    };
    expect(calls('miss')).toBe(1);
    expect(calls('hit')).toBe(1);
    expect(text).toMatch(/# TYPE easy_cache_call_duration\S* histogram/);
    expect(text).toMatch(/# HELP easy_cache_calls\S* Calls of cached functions, by function and outcome/);
  });

  it('answers another path with a 404 that says where the metrics are', async () => {
    const response = await fetch(telemetry.metricsUrl.replace('/metrics', '/'));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('/metrics');
  });
});
