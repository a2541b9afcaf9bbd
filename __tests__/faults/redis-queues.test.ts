/**
 * No queue grows without bound while Redis is frozen or gone, even on a client that the user
 * built with ioredis's defaults (no command timeout, 20 retries per request, offline queue on).
 */
import Redis from 'ioredis';
import { BackendError, cached } from '../../lib';
import { RedisCache, REDIS_MAX_PENDING_CALLS } from '../../lib/backends/redis';
import { isEntry } from '../../lib/tags/entry';
import { ControlledServer, canStart } from '../helpers/server-control';
import { uniquePrefix } from '../helpers/server-suites';
import { TcpProxy } from '../helpers/tcp-proxy';
import { freePort } from '../setup/servers';
import { eventually, liveTimers, timed, watchUnhandledRejections } from './fault-kit';

/** Commands ioredis holds for a client: sent without a reply yet, and queued while disconnected. */
function queuedCommands(client: Redis): number {
  const offline = (client as unknown as { offlineQueue?: { length: number } }).offlineQueue;
  return client.commandQueue.length + (offline?.length ?? 0);
}

const describeIfRedis = canStart('redis') ? describe : describe.skip;
if (!canStart('redis')) console.warn('!! Redis queue tests SKIPPED: redis-server is not on the PATH');

describeIfRedis('RedisCache keeps the client queues bounded', () => {
  let server: ControlledServer;
  /** Between the clients and `server`: it freezes the server by holding every byte (tcp-proxy.ts says why not SIGSTOP). */
  let proxy: TcpProxy;
  const unhandled = watchUnhandledRejections();

  beforeAll(async () => {
    server = await ControlledServer.start('redis');
    proxy = await TcpProxy.start(server.port);
  });

  afterAll(async () => {
    unhandled.stop();
    await proxy?.close();
    await server?.stop();
  });

  afterEach(() => expect(unhandled.seen).toEqual([]));

  it(`refuses calls past ${REDIS_MAX_PENDING_CALLS} unanswered ones on a frozen server (client with ioredis defaults)`, async () => {
    const client = new Redis({ host: server.address.split(':')[0], port: proxy.port });
    client.on('error', () => undefined);
    const backend = new RedisCache(client, { prefix: uniquePrefix('queues'), backendTimeoutMs: 50 });
    const get = cached(async (id: number) => id * 2, { cacheKey: 'q:{id}', cacheInstance: backend, onError: () => undefined });
    // On a loaded machine a call can miss its 50 ms bound and leave nothing stored: call until q:0 is there.
    await eventually('q:0 is stored before the freeze', async () => {
      await get(0);
      return isEntry(await backend.get('q:0').catch(() => undefined));
    });
    proxy.hold();
    try {
      for (let batch = 0; batch < 3; batch++) {
        // Every call settles while the server is still frozen (the thaw comes after), so through its bound.
        const values = await Promise.all(Array.from({ length: 1000 }, (_, i) => get(batch * 1000 + i + 1)));
        values.forEach((value, i) => expect(value).toBe((batch * 1000 + i + 1) * 2));
      }
      expect(queuedCommands(client)).toBeLessThanOrEqual(REDIS_MAX_PENDING_CALLS);
      const refused = await timed(() => backend.get('q:1'));
      expect(refused.error).toBeInstanceOf(BackendError);
      expect(String((refused.error as Error).message)).toMatch(/already waiting for an answer/);
    } finally {
      proxy.pass();
    }
    try {
      await eventually('the frozen calls are answered after the thaw', () => queuedCommands(client) === 0);
      expect(isEntry(await backend.get('q:0'))).toBe(true);
    } finally {
      client.disconnect();
    }
  }, 60_000);

  it('bounds the offline queue while the server is gone (client with ioredis defaults)', async () => {
    const port = await freePort();
    const client = new Redis({ host: '127.0.0.1', port });
    client.on('error', () => undefined);
    const backend = new RedisCache(client, { prefix: uniquePrefix('offline'), backendTimeoutMs: 50 });
    const get = cached(async (id: number) => id, { cacheKey: 'o:{id}', cacheInstance: backend, onError: () => undefined });
    for (let batch = 0; batch < 3; batch++) {
      const calls = await Promise.all(Array.from({ length: 1000 }, (_, i) => timed(() => get(batch * 1000 + i))));
      calls.forEach((call, i) => expect(call.value).toBe(batch * 1000 + i));
    }
    expect(queuedCommands(client)).toBeLessThanOrEqual(REDIS_MAX_PENDING_CALLS);
    client.disconnect();
  }, 60_000);

  it('leaves no timer behind when a backend that owns its client is closed while reconnecting', async () => {
    const port = await freePort();
    const before = liveTimers();
    const backend = new RedisCache({ host: '127.0.0.1', port }, { prefix: uniquePrefix('close') });
    const get = cached(async () => 1, { cacheKey: 'c', cacheInstance: backend, onError: () => undefined });
    expect(await get()).toBe(1);
    await backend.close();
    await eventually('timers are back to their count before the backend', () => liveTimers() <= before, 1000);
  });
});
