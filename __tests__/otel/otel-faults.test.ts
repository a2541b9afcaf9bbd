/**
 * Backend faults under easy-cache/otel, on real servers behind a TCP proxy (and a real backend
 * behind the fault-injecting wrapper): the caller still gets its value, the failed backend call
 * is an error child span of the call's span, and `easy_cache.backend.errors` counts it by
 * backend, operation and error type; a failed invalidation is counted too.
 */
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BackendError, cached, MemoryCache, type CacheInstance } from '../../lib';
import { remoteBackend, type RemoteBackend } from '../helpers/backends-under-test';
import { FaultyBackend } from '../helpers/faulty-backend';
import { serverAddresses, uniquePrefix } from '../helpers/server-suites';
import { TcpProxy } from '../helpers/tcp-proxy';
import { instrumented, type Telemetry } from './otel-kit';

const BOUND_MS = 100;

let telemetry: Telemetry | undefined;
afterEach(async () => {
  await telemetry?.stop();
  telemetry = undefined;
});

function getterOn(backend: CacheInstance, name: string) {
  let runs = 0;
  const get = cached(
    async (id: number) => {
      runs += 1;
      return `book ${id}`;
    },
    { cacheKey: `${name}:{id}`, name, cacheInstance: backend, onError: () => undefined },
  );
  return { get, runs: () => runs };
}

for (const kind of ['redis', 'memcached'] as const) {
  const [address] = serverAddresses(kind);
  const named = `a ${kind} server that stops answering, seen through easy-cache/otel`;
  if (address === undefined) {
    describe.skip(`${named} (skipped: no ${kind} server, see the global set-up banner)`, () => {
      it('needs a server', () => undefined);
    });
    continue;
  }

  describe(named, () => {
    const backendClass = kind === 'redis' ? 'RedisCache' : 'MemcachedCache';
    let proxy: TcpProxy;
    const backends: RemoteBackend[] = [];
    const backendThroughProxy = (): RemoteBackend => {
      const backend = remoteBackend(kind, proxy.address, { prefix: uniquePrefix(`otel-${kind}`), backendTimeoutMs: BOUND_MS });
      backends.push(backend);
      return backend;
    };

    beforeAll(async () => {
      proxy = await TcpProxy.start(Number(address.split(':')[1]));
    });
    afterEach(() => {
      proxy.pass();
    });
    afterAll(async () => {
      await Promise.all(backends.map((backend) => backend.close()));
      await proxy.close();
    });

    it('records a get past its bound as a timeout child span and a backend error; the caller gets the value', async () => {
      const backend = backendThroughProxy();
      const warm = getterOn(backend, 'otelWarm');
      await warm.get(0); // connected before the proxy goes silent
      const t = (telemetry = instrumented());
      const { get, runs } = getterOn(backend, 'otelFrozen');
      proxy.blackhole();
      expect(await get(1)).toBe('book 1');
      expect(runs()).toBe(1);

      const [span] = t.callSpans('cached(otelFrozen)');
      expect(span?.attributes['easy_cache.outcome']).toBe('miss');
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
      const [child, ...others] = t.childrenOf(span!);
      // After the failed read the call runs without the backend: no write is attempted.
      expect(others).toEqual([]);
      expect(child?.name).toBe(`get ${backendClass}`);
      expect(child?.status.code).toBe(SpanStatusCode.ERROR);
      expect(child?.attributes).toMatchObject({ 'error.type': 'timeout', 'easy_cache.backend': backendClass, 'easy_cache.operation': 'get' });
      expect(await t.metric('easy_cache.backend.errors')).toEqual({ [`${backendClass}|get|timeout`]: 1 });
      expect(await t.metric('easy_cache.calls')).toEqual({ 'cached(otelFrozen)|miss': 1 });
    });

    it('counts an invalidation that cannot reach the server', async () => {
      const backend = backendThroughProxy();
      const { get } = getterOn(backend, 'otelInvalidate');
      await get(2);
      const t = (telemetry = instrumented());
      proxy.blackhole();
      await expect(get.invalidateCacheByKey(2)).rejects.toBeInstanceOf(BackendError);
      expect(await t.metric('easy_cache.backend.errors')).toEqual({ [`${backendClass}|delete|timeout`]: 1 });
    });
  });
}

describe('a backend that throws, seen through easy-cache/otel', () => {
  const backends = (): [string, CacheInstance, () => Promise<void>][] => {
    const list: [string, CacheInstance, () => Promise<void>][] = [['memory', new MemoryCache(), async () => undefined]];
    const [address] = serverAddresses('redis');
    if (address !== undefined) {
      const redis = remoteBackend('redis', address, { prefix: uniquePrefix('otel-throw'), backendTimeoutMs: 1000 });
      list.push(['redis', redis, () => redis.close()]);
    }
    return list;
  };

  it('records the failed get as an error child with the error class, and counts it', async () => {
    const list = backends();
    try {
      for (const [name, inner] of list) {
        const faulty = new FaultyBackend(inner).failNext(1);
        const t = (telemetry = instrumented());
        const { get } = getterOn(faulty, `otelThrows_${name}`);
        expect(await get(3)).toBe('book 3');
        const [span] = t.callSpans(`cached(otelThrows_${name})`);
        const children = t.childrenOf(span!);
        expect(children.map((child) => [child.name, child.status.code, child.attributes['error.type']])).toEqual([['get FaultyBackend', SpanStatusCode.ERROR, 'Error']]);
        expect(children[0]?.events.map((event) => event.name)).toEqual(['exception']);
        expect(await t.metric('easy_cache.backend.errors')).toEqual({ 'FaultyBackend|get|Error': 1 });
        await t.stop();
        telemetry = undefined;
      }
    } finally {
      // Closed even when a check fails: a backend left open reconnects after the servers stop and keeps jest from exiting.
      for (const [, , close] of list) await close();
    }
  });
});

describe('spans under the caller\'s active span', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    manager.disable();
    context.disable();
  });

  it('parents the call span to the span active when the cached function was called', async () => {
    const t = (telemetry = instrumented());
    const { get } = getterOn(new MemoryCache(), 'otelUnderRequest');
    const tracer = t.tracerProvider.getTracer('test');
    await tracer.startActiveSpan('GET /books/:id', async (request) => {
      await get(4);
      request.end();
    });
    const [request] = t.spans().filter((span) => span.name === 'GET /books/:id');
    const [call] = t.callSpans('cached(otelUnderRequest)');
    expect(call?.parentSpanId).toBe(request?.spanContext().spanId);
    expect(call?.spanContext().traceId).toBe(request?.spanContext().traceId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
