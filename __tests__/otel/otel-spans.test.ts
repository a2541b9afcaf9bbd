/**
 * easy-cache/otel on every backend (SPEC 11.7), read back from the SDK's in-memory exporters:
 * a span per miss, stale return and error (hits only when asked), a child span per backend call
 * the call made, the outcome and function as attributes (the key only with `includeKeys`), the
 * three metrics, and nothing at all once the handle has unsubscribed.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { cached, CacheConfigError } from '../../lib';
import { instrumentEasyCache } from '../../lib/otel';
import { ALL_BACKENDS, describeOnBackends } from '../helpers/backends-under-test';
import { waitFor } from '../helpers/deferred';
import { freshNamespace } from '../behaviour/suites/backend-factory';
import { STALE_SETTINGS, writeEntry } from '../behaviour/stale/stale-support';
import { attributeOf, instrumented, type Telemetry } from './otel-kit';

const BACKEND_CLASS = { memory: 'MemoryCache', redis: 'RedisCache', 'redis-cluster': 'RedisCache', memcached: 'MemcachedCache' } as const;

describeOnBackends('OpenTelemetry spans and metrics on %s', ALL_BACKENDS, { ...STALE_SETTINGS, label: 'otel' }, (under, name) => {
  let telemetry: Telemetry | undefined;
  const start = (options: Parameters<typeof instrumented>[0] = {}): Telemetry => {
    telemetry = instrumented(options);
    return telemetry;
  };
  afterEach(async () => {
    await telemetry?.stop();
    telemetry = undefined;
  });

  const bookGetter = (ns: string, fail = false) =>
    cached(
      async (id: number) => {
        if (fail) throw new Error(`no book ${id}`);
        return { id, title: `Book ${id}` };
      },
      { cacheKey: `${ns}:book:{id}`, cacheInstance: under().backend, name: `getBook_${ns.replace(/\W/g, '_')}`, timeout: 60, onError: () => undefined },
    );

  it('records a miss as a span with its backend calls as children, and a hit only in the metrics', async () => {
    const t = start();
    const ns = freshNamespace();
    const getBook = bookGetter(ns);
    const label = `cached(getBook_${ns.replace(/\W/g, '_')})`;
    expect(await getBook(1)).toEqual({ id: 1, title: 'Book 1' });
    expect(await getBook(1)).toEqual({ id: 1, title: 'Book 1' });

    const [span, ...more] = t.callSpans(label);
    expect(more).toEqual([]);
    expect(span?.attributes).toEqual({ 'easy_cache.function': label, 'easy_cache.outcome': 'miss' });
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    const children = t.childrenOf(span!);
    const backend = BACKEND_CLASS[name];
    expect(children.map((child) => child.name)).toContain(`set ${backend}`);
    // A remote miss is found by a bounded get; an in-process one by a synchronous read, never awaited.
    if (name !== 'memory') expect(children.map((child) => child.name)).toContain(`get ${backend}`);
    for (const child of children) {
      expect(child.spanContext().traceId).toBe(span!.spanContext().traceId);
      expect(child.kind).toBe(name === 'memory' ? SpanKind.INTERNAL : SpanKind.CLIENT);
      expect(child.attributes).toMatchObject({ 'easy_cache.backend': backend, 'db.operation.name': child.attributes['easy_cache.operation'] });
      if (name !== 'memory') expect(child.attributes['db.system.name']).toBe(name === 'memcached' ? 'memcached' : 'redis');
      expect(child.attributes['easy_cache.key']).toBeUndefined();
      expect(child.status.code).toBe(SpanStatusCode.UNSET);
    }

    expect(await t.metric('easy_cache.calls')).toEqual({ [`${label}|miss`]: 1, [`${label}|hit`]: 1 });
    expect(await t.metric('easy_cache.call.duration')).toEqual({ [`${label}|miss`]: 1, [`${label}|hit`]: 1 });
    expect(await t.metric('easy_cache.backend.errors')).toEqual({});
  });

  it('records hits as spans with hits: true, and keys only with includeKeys: true', async () => {
    const t = start({ hits: true, includeKeys: true });
    const ns = freshNamespace();
    const getBook = bookGetter(ns);
    const label = `cached(getBook_${ns.replace(/\W/g, '_')})`;
    await getBook(2);
    await getBook(2);
    const spans = t.callSpans(label);
    expect(spans.map((span) => attributeOf(span, 'easy_cache.outcome'))).toEqual(['miss', 'hit']);
    for (const span of spans) expect(attributeOf(span, 'easy_cache.key')).toBe(getBook.getCacheKey(2));
    for (const child of t.childrenOf(spans[0]!)) expect(attributeOf(child, 'easy_cache.key')).toBe(getBook.getCacheKey(2));
  });

  it('records a failed call as an error span with the exception, and counts it', async () => {
    const t = start();
    const ns = freshNamespace();
    const getBook = bookGetter(ns, true);
    const label = `cached(getBook_${ns.replace(/\W/g, '_')})`;
    await expect(getBook(3)).rejects.toThrow('no book 3');
    const [span] = t.callSpans(label);
    expect(span?.attributes).toMatchObject({ 'easy_cache.outcome': 'error', 'error.type': 'Error' });
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no book 3' });
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
    expect(await t.metric('easy_cache.calls')).toEqual({ [`${label}|error`]: 1 });
  });

  it('records a stale return (fail-safe, then stale-while-revalidate) with its reason', async () => {
    const t = start();
    const ns = freshNamespace();
    const get = cached(
      async (id: number): Promise<string> => {
        throw new Error(`source down for ${id}`);
      },
      { cacheKey: `${ns}:stale:{id}`, name: 'getStale', timeout: 60, grace: 600, graceBackoff: 0.001, cacheInstance: under().backend, onError: () => undefined },
    );
    await writeEntry(under(), get.getCacheKey(1), 'old');
    expect(await get(1)).toBe('old');
    const [failSafe] = t.callSpans('cached(getStale)');
    expect(failSafe?.attributes).toMatchObject({ 'easy_cache.outcome': 'stale', 'easy_cache.stale.reason': 'error' });
    expect(failSafe?.status.code).toBe(SpanStatusCode.UNSET);

    const swr = cached(async (id: number) => `new:${id}`, { cacheKey: `${ns}:swr:{id}`, name: 'getSwr', timeout: 60, grace: 600, softTimeoutMs: 0, cacheInstance: under().backend });
    await writeEntry(under(), swr.getCacheKey(1), 'old');
    expect(await swr(1)).toBe('old');
    const [served] = t.callSpans('cached(getSwr)');
    expect(served?.attributes).toMatchObject({ 'easy_cache.outcome': 'stale', 'easy_cache.stale.reason': 'swr' });
    // The refresh goes on after the caller got the stale value: its write is still the call's child.
    await waitFor(() => t.childrenOf(served!).some((child) => child.name === `set ${BACKEND_CLASS[name]}`), 0);
    expect(await t.metric('easy_cache.calls')).toEqual({ 'cached(getStale)|stale': 1, 'cached(getSwr)|stale': 1 });
  });

  it('makes a cached call inside another one a child of it', async () => {
    const t = start();
    const ns = freshNamespace();
    const author = cached(async (id: number) => `Author ${id}`, { cacheKey: `${ns}:author:{id}`, name: 'getAuthor', cacheInstance: under().backend });
    const book = cached(async (id: number) => ({ id, author: await author(id) }), { cacheKey: `${ns}:nested:{id}`, name: 'getNested', cacheInstance: under().backend });
    await book(4);
    const [outer] = t.callSpans('cached(getNested)');
    const [inner] = t.callSpans('cached(getAuthor)');
    expect(inner?.parentSpanId).toBe(outer?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
  });

  it('records nothing once the handle has unsubscribed', async () => {
    const t = start({ hits: true });
    const ns = freshNamespace();
    const getBook = bookGetter(ns);
    const label = `cached(getBook_${ns.replace(/\W/g, '_')})`;
    await getBook(5);
    t.instrumentation.unsubscribe();
    t.instrumentation.unsubscribe();
    const spansBefore = t.spans().length;
    await getBook(5);
    await getBook(6);
    await expect(bookGetter(ns, true)(7)).rejects.toThrow();
    expect(t.spans()).toHaveLength(spansBefore);
    expect(await t.metric('easy_cache.calls')).toEqual({ [`${label}|miss`]: 1 });
  });
});

describe('instrumentEasyCache options', () => {
  it.each([
    [{ includeKeys: 'yes' }, 'includeKeys', /option "includeKeys" must be a boolean; received "yes"/],
    [{ hits: 1 }, 'hits', /option "hits" must be a boolean; received number 1/],
    [{ tracerProvider: {} }, 'tracerProvider', /option "tracerProvider" must be an OpenTelemetry TracerProvider/],
    [{ meterProvider: null }, 'meterProvider', /option "meterProvider" must be an OpenTelemetry MeterProvider .*received null/],
    [{ includeKey: true }, 'includeKey', /"includeKey" is not an option; known options are tracerProvider, meterProvider, includeKeys, hits/],
  ])('rejects %j with a CacheConfigError naming the option', (options, option, message) => {
    let thrown: unknown;
    try {
      instrumentEasyCache(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CacheConfigError);
    expect(thrown).toMatchObject({ option, code: 'E_CACHE_CONFIG' });
    expect((thrown as Error).message).toMatch(message);
  });

  it('rejects options that are not an object', () => {
    expect(() => instrumentEasyCache('all' as never)).toThrow(/the options must be an object; received "all"/);
  });
});
