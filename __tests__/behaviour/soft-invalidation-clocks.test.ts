/**
 * SPEC 11.1 and 11.2 across hosts whose clocks disagree: "Invalidation never depends on a clock."
 * A soft key invalidation, and a value computed across one, must be stale to a reader whose clock
 * runs behind the expiring host's, on every server-backed backend. (A `MemoryCache` lives in one
 * process, with one clock: nothing to disagree about.) The two hosts are two backend objects on
 * the same server and prefix (helpers/two-hosts.ts); the reader's clock runs ten minutes behind.
 */
import { cached } from '../../lib';
import { deferred, waitFor } from '../helpers/deferred';
import { describeOnTwoHosts, type TwoHosts } from '../helpers/two-hosts';

const LAG_MS = 10 * 60_000;

/** The same cached function on both hosts: it returns the source's value, and its first run may wait for `gate`. */
function onBothHosts(hosts: TwoHosts, label: string) {
  const source = { value: 'old', runs: 0, gate: deferred(), pauseFirst: false, writes: 0 };
  const fn = async (id: number): Promise<string> => {
    source.runs += 1;
    const value = `${source.value}-${id}`;
    if (source.runs === 1 && source.pauseFirst) await source.gate.promise;
    return value;
  };
  const options = { cacheKey: `${label}:{id}`, timeout: 600, grace: 3600, backendTimeoutMs: 5000 };
  return {
    source,
    // Its writes are counted: a reader must find the entry, not a miss that runs the function anyway.
    atExpirer: cached(fn, { ...options, cacheInstance: hosts.first, onEvent: (event) => void (event.type === 'set' && (source.writes += 1)) }),
    atReader: cached(fn, { ...options, cacheInstance: hosts.second }),
  };
}

describeOnTwoHosts('a soft key invalidation on %s is stale to a reader whose clock runs behind', LAG_MS, (hosts) => {
  it('an entry expired by key: the reader runs the function instead of hitting the old value', async () => {
    const { source, atExpirer, atReader } = onBothHosts(hosts(), 'expired');
    await expect(atExpirer(1)).resolves.toBe('old-1');
    await waitFor(() => source.writes === 1, 0);
    // Fresh for the reader too, before the expire: its clock is behind, not broken.
    await expect(atReader(1)).resolves.toBe('old-1');
    expect(source.runs).toBe(1);

    source.value = 'new';
    await atExpirer.expireCacheByKey(1);
    await expect(atReader(1)).resolves.toBe('new-1');
    expect(source.runs).toBe(2);
  });

  it('a value computed across an expire by key: stored stale for the reader too', async () => {
    const { source, atExpirer, atReader } = onBothHosts(hosts(), 'across');
    source.pauseFirst = true;
    const first = atExpirer(1);
    await waitFor(() => source.runs === 1, 0);
    await atExpirer.expireCacheByKey(1);
    source.gate.resolve();
    await expect(first).resolves.toBe('old-1');
    await waitFor(() => source.writes === 1, 0);

    source.value = 'new';
    await expect(atReader(1)).resolves.toBe('new-1');
    expect(source.runs).toBe(2);
  });
});
