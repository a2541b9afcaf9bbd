/**
 * Instrumenting again on the same meter provider, after an `unsubscribe()`: `easy_cache.calls`
 * goes on counting the same series (one total per function and outcome), and the calls made
 * while nothing was subscribed are not counted.
 */
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { cached, MemoryCache } from '../../lib';
import { instrumentEasyCache } from '../../lib/otel';

describe('easy-cache/otel instrumented twice on one meter provider', () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  afterAll(() => meterProvider.shutdown());

  async function calls(): Promise<Record<string, number>[]> {
    exporter.reset();
    await reader.forceFlush();
    const metric = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
      .find((one) => one.descriptor.name === 'easy_cache.calls');
    const points = (metric?.dataPoints ?? []) as DataPoint<number>[];
    return points.map((point) => ({ [`${String(point.attributes['easy_cache.outcome'])}`]: point.value }));
  }

  it('reports one total per series, counted across both instrumentations', async () => {
    const getBook = cached(async (id: number) => `book ${id}`, { cacheKey: 'book:{id}', name: 'getBookTwice', cacheInstance: new MemoryCache() });
    const first = instrumentEasyCache({ meterProvider });
    await getBook(1); // miss
    await getBook(1); // hit
    first.unsubscribe();
    await getBook(1); // not counted
    const second = instrumentEasyCache({ meterProvider });
    await getBook(1); // hit
    await getBook(2); // miss
    second.unsubscribe();

    expect(await calls()).toEqual([{ miss: 2 }, { hit: 2 }]);
  });
});
