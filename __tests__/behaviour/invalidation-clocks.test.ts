/**
 * SPEC 11.1 across hosts whose clocks disagree: "Invalidation never depends on a clock." A soft
 * invalidation by tag or by prefix made on one host leaves the entry stale (served only as a
 * fallback) to a host whose clock runs ten minutes behind, and a hard one by key, tag or prefix
 * leaves it gone (never served, not even as a fallback), on every server-backed backend. The key
 * case of the soft invalidation is in soft-invalidation-clocks.test.ts; the two hosts are two
 * backend objects on the same server and prefix (helpers/two-hosts.ts).
 */
import { cached, type CacheEvent } from '../../lib';
import { waitFor } from '../helpers/deferred';
import { describeOnTwoHosts, type TwoHosts } from '../helpers/two-hosts';
import { WAYS, type Mode, type Way } from './soft-subjects';

const LAG_MS = 10 * 60_000;

/** The same cached function on both hosts, cached by the first and read by the lagging second; the source may fail. */
async function cachedOnBothHosts(hosts: TwoHosts, label: string) {
  const source = { value: 'old', fail: false, runs: 0, writes: 0 };
  const fn = async (id: number): Promise<string> => {
    source.runs += 1;
    if (source.fail) throw new Error(`source down ${id}`);
    return `${source.value}-${id}`;
  };
  const options = { cacheKey: `${label}:{id}`, tags: [`${label}-t:{id}`], prefix: `${label}-p:{id}`, timeout: 600, grace: 3600, backendTimeoutMs: 5000 };
  const readerEvents: CacheEvent[] = [];
  const atInvalidator = cached(fn, { ...options, cacheInstance: hosts.first, onEvent: (event) => void (event.type === 'set' && (source.writes += 1)) });
  const atReader = cached(fn, { ...options, cacheInstance: hosts.second, onError: () => undefined, onEvent: (event) => readerEvents.push(event) });
  const change = (mode: Mode, way: Way): Promise<void> => {
    if (way === 'key') return mode === 'soft' ? atInvalidator.expireCacheByKey(1) : atInvalidator.invalidateCacheByKey(1);
    if (way === 'tags') return mode === 'soft' ? atInvalidator.expireCacheByTags(undefined, 1) : atInvalidator.invalidateCacheByTags(undefined, 1);
    return mode === 'soft' ? atInvalidator.expireCacheByPrefix(1) : atInvalidator.invalidateCacheByPrefix(1);
  };

  await expect(atInvalidator(1)).resolves.toBe('old-1');
  await waitFor(() => source.writes === 1, 0);
  // Fresh for the reader too, before the change: its clock is behind, not broken.
  await expect(atReader(1)).resolves.toBe('old-1');
  expect(source.runs).toBe(1);
  expect(readerEvents.map((event) => event.type)).toContain('hit');
  readerEvents.length = 0;
  return { source, atReader, readerEvents, change };
}

describeOnTwoHosts('invalidations on %s seen by a reader whose clock runs behind', LAG_MS, (hosts) => {
  it.each(WAYS.filter((way) => way !== 'key'))('an entry expired by %s is stale to the reader: served as a fallback when its function fails, never as a hit', async (way) => {
    const { source, atReader, readerEvents, change } = await cachedOnBothHosts(hosts(), `soft-${way}`);
    await change('soft', way);
    source.fail = true;
    await expect(atReader(1)).resolves.toBe('old-1');
    expect(source.runs).toBe(2);
    expect(readerEvents).toContainEqual(expect.objectContaining({ type: 'stale', reason: 'error' }));
    expect(readerEvents.map((event) => event.type)).not.toContain('hit');
  });

  it.each(WAYS)('an entry invalidated (hard) by %s is gone for the reader: not served even as a fallback when its function fails', async (way) => {
    const { source, atReader, readerEvents, change } = await cachedOnBothHosts(hosts(), `hard-${way}`);
    await change('hard', way);
    source.fail = true;
    await expect(atReader(1)).rejects.toThrow('source down 1');
    expect(source.runs).toBe(2);
    expect(readerEvents.map((event) => event.type)).not.toContain('hit');
    expect(readerEvents.map((event) => event.type)).not.toContain('stale');
  });
});
