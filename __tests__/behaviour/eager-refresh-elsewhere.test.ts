/**
 * SPEC 11.1 and 11.3: an eager refresh is background work that reads its tag versions before its
 * function runs, so a tag invalidated by another host while the refresh runs is never hidden by
 * the refresh's value. The other host is a second backend object on the same server and prefix
 * (helpers/two-hosts.ts): its invalidation fences nothing in this one; only the versions can tell.
 */
import { cached, invalidateCacheTags } from '../../lib';
import { deferred, waitFor } from '../helpers/deferred';
import { describeOnTwoHosts } from '../helpers/two-hosts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeOnTwoHosts('an eager refresh on %s across a tag invalidation made by another host', 0, (hosts) => {
  it('is stored with the versions it read before it ran: the invalidation wins', async () => {
    let runs = 0;
    let writes = 0;
    let gate = deferred();
    gate.resolve();
    const getBook = cached(
      async (id: number) => {
        const run = ++runs;
        await gate.promise;
        return `v${run}:${id}`;
      },
      {
        cacheKey: 'book:{id}',
        tags: ['book:{id}'],
        // Due for a refresh after 1 s, fresh for 10: the hit after the wait cannot be a miss.
        timeout: 10,
        eagerRefresh: 0.1,
        cacheInstance: hosts().first,
        backendTimeoutMs: 5000,
        onEvent: (event) => {
          if (event.type === 'set') writes += 1;
        },
      },
    );
    expect(await getBook(1)).toBe('v1:1');
    await waitFor(() => writes === 1, 0);
    // Past a tenth of its 10 s: the next hit returns it and starts a refresh, held at the gate.
    await sleep(1100);
    gate = deferred();
    expect(await getBook(1)).toBe('v1:1');
    await waitFor(() => runs === 2, 0);
    await invalidateCacheTags('book:1', { cacheInstance: hosts().second });
    gate.resolve();
    // Nothing fences the refresh in this host: it writes its value, with the versions it read first.
    await waitFor(() => writes === 2, 0);
    expect(await getBook(1)).toBe('v3:1');
    expect(runs).toBe(3);
  });
});
