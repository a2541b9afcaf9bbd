import Memcached from 'memcached';
import { NOT_FOUND } from '../../lib/backends/backend';
import { MemcachedCache, MEMCACHED_MAX_PENDING_CALLS, toSafeKey } from '../../lib/backends/memcached';
import { BackendError, SerializationError, ValueTooLargeError } from '../../lib/errors';
import { eventually } from '../faults/fault-kit';
import { describeBackendContract } from '../../lib/testing';
import { rawExchange, rawGet, rawSet, rawStats } from '../helpers/raw-memcached';
import { describeWithMemcached, uniquePrefix } from '../helpers/server-suites';
import { TcpProxy } from '../helpers/tcp-proxy';
import { startMemcached, stopServer, type StartedServer } from '../setup/servers';

/** The server of `addresses` that holds the memcached key `safeKey`, found with a raw client. */
async function holderOf(addresses: readonly string[], safeKey: string): Promise<string[]> {
  const held = await Promise.all(addresses.map(async (address) => ((await rawGet(address, safeKey)) ? address : '')));
  return held.filter(Boolean);
}

/** Open TCP sockets of this process. */
function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

describeWithMemcached('MemcachedCache', (addresses) => {
  const prefix = uniquePrefix('memcached');
  const first = addresses[0] as string;

  describeBackendContract('MemcachedCache on one server', () => new MemcachedCache(first, { prefix: `${prefix}-one` }), {
    supportsClear: false,
  });

  describeBackendContract('MemcachedCache on two servers', () => new MemcachedCache(addresses, { prefix: `${prefix}-two` }), {
    supportsClear: false,
  });

  let givenClient: Memcached | undefined;
  describeBackendContract(
    'MemcachedCache on a client it was given',
    () => {
      givenClient = new Memcached([...addresses], { retries: 0 });
      return new MemcachedCache(givenClient, { prefix: `${prefix}-given` });
    },
    { supportsClear: false, afterAll: async () => givenClient?.end() },
  );

  describe('specifics', () => {
    let cache: MemcachedCache;
    const p = `${prefix}-spec`;

    beforeAll(() => {
      cache = new MemcachedCache(addresses, { prefix: p });
    });

    afterAll(async () => {
      await cache.close();
    });

    it('exposes its bound and applies the prefix as "prefix:key"', async () => {
      expect(cache.backendTimeoutMs).toBe(250);
      expect(new MemcachedCache(first, { backendTimeoutMs: 40 }).backendTimeoutMs).toBe(40);
      await cache.set('plain-key', 'v');
      expect(await holderOf(addresses, `${p}:plain-key`)).toHaveLength(1);
    });

    it('spreads keys over both servers by consistent hashing', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `spread-${i}`);
      await cache.setMany(new Map(keys.map((k) => [k, k])));
      const holders = await Promise.all(keys.map((k) => holderOf(addresses, toSafeKey(`${p}:${k}`))));
      for (const holder of holders) expect(holder).toHaveLength(1);
      const perServer = addresses.map((address) => holders.filter((h) => h[0] === address).length);
      expect(perServer.every((count) => count > 0)).toBe(true);
      const found = await cache.getMany(keys);
      expect([...found.values()]).toEqual(keys);
    });

    describe('keys the text protocol cannot carry', () => {
      const canary = `${p}-canary`;
      let flushesBefore: number[];

      beforeAll(async () => {
        for (const address of addresses) expect(await rawSet(address, canary, 0, 'alive')).toBe('STORED');
        flushesBefore = await Promise.all(addresses.map(async (a) => Number((await rawStats(a)).cmd_flush)));
      });

      const hostile = [
        '1\r\nflush_all',
        '1\r\nflush_all\r\n',
        'x 0 0 1\r\nz\r\nflush_all',
        'a b',
        'a_b',
        '日本語'.repeat(100),
        `${'日本語'.repeat(99)}日本_`,
        "a$'b",
        '$&',
        '$`x',
        '$$',
        '__proto__',
        'constructor',
        '#looks-hashed',
      ];

      it('stores each under a key of its own, without injecting a command', async () => {
        const keys = hostile.map((k) => `inj:${k}`);
        for (const [i, k] of keys.entries()) await cache.set(k, i);
        for (const [i, k] of keys.entries()) await expect(cache.get(k)).resolves.toBe(i);
        const found = await cache.getMany(keys);
        expect(keys.map((k) => found.get(k))).toEqual(keys.map((_, i) => i));
        for (const [i, k] of keys.entries()) {
          await expect(cache.add(k, 'other')).resolves.toBe(false);
          await expect(cache.delete(k)).resolves.toBe(true);
          await expect(cache.add(k, i)).resolves.toBe(true);
        }
      });

      it('sends only printable ASCII keys of at most 250 bytes, each held by exactly one server', async () => {
        for (const k of hostile) {
          const safeKey = toSafeKey(`${p}:inj:${k}`);
          expect(safeKey).toMatch(/^[\x21-\x23\x25-\x7e]{1,250}$/);
          const holders = await holderOf(addresses, safeKey);
          expect(holders).toHaveLength(1);
          const item = await rawGet(holders[0] as string, safeKey);
          expect(item?.flags).toBe(0);
        }
      });

      it('leaves the canary written by another client in place and flushes nothing', async () => {
        for (const address of addresses) {
          expect((await rawGet(address, canary))?.data.toString()).toBe('alive');
        }
        const flushesAfter = await Promise.all(addresses.map(async (a) => Number((await rawStats(a)).cmd_flush)));
        expect(flushesAfter).toEqual(flushesBefore);
      });

      it('finds long keys (over 250 bytes, and 300 bytes of 100 characters) with getMany', async () => {
        const keys = ['k'.repeat(300), 'é'.repeat(150), '日'.repeat(100), `${'日'.repeat(99)}本`];
        await cache.setMany(new Map(keys.map((k, i) => [k, `v${i}`])));
        const found = await cache.getMany([...keys, 'missing-long-'.repeat(30)]);
        expect([...found.entries()]).toEqual(keys.map((k, i) => [k, `v${i}`]));
      });
    });

    describe('expiry', () => {
      it('stores entries of more than 30 days (sent as a Unix time) and reads them back', async () => {
        await cache.set('days-31', 'month', 31 * 24 * 3600);
        await cache.setMany(new Map([['days-400', 'year']]), 400 * 24 * 3600);
        await cache.set('years-200', 'capped', 200 * 365 * 24 * 3600);
        await expect(cache.get('days-31')).resolves.toBe('month');
        await expect(cache.get('days-400')).resolves.toBe('year');
        await expect(cache.get('years-200')).resolves.toBe('capped');
      });

      it('refuses a timeout that is NaN or infinite', async () => {
        await expect(cache.set('bad-timeout', 1, Number.NaN)).rejects.toThrow(/timeout must be a finite number/);
        await expect(cache.add('bad-timeout', 1, Infinity)).rejects.toThrow(/timeout must be a finite number/);
      });

      it('uses defaultTimeout when a call gives none', async () => {
        const short = new MemcachedCache(addresses, { prefix: `${p}-default`, defaultTimeout: 1 });
        await short.set('k', 'v');
        await short.set('kept', 'v', null);
        // Memcached expires on whole seconds: the entry goes within 2 s; wait for that, not a fixed time.
        await eventually('the entry written with the default timeout of 1 s has expired', async () => (await short.get('k')) === NOT_FOUND);
        await expect(short.get('kept')).resolves.toBe('v');
        await short.close();
      });
    });

    describe('values written by other clients', () => {
      const raw = async (name: string, flags: number, data: string): Promise<void> => {
        const safeKey = toSafeKey(`${p}:${name}`);
        // Overwrite where the client looks: the server that got the key from set().
        await cache.set(name, 'placeholder');
        const [owner] = await holderOf(addresses, safeKey);
        expect(await rawSet(owner as string, safeKey, flags, data)).toBe('STORED');
      };

      it.each<[string, number, string]>([
        ['flag 2 with invalid JSON', 2, '{oops'],
        ['flag 2 with an empty value', 2, ''],
        ['flag 2 with valid JSON', 2, '{"a":1}'],
        ['flag 4 (binary)', 4, 'bytes'],
        ['flag 8 (numeric)', 8, 'abc'],
        ['flag 0 garbage', 0, 'not easy-cache text'],
        ['flag 0 with CRLF inside', 0, 'line one\r\nEND\r\nline three'],
        ['flag 2 with CRLF inside', 2, '{"a":\r\n1'],
      ])('reads %s as a SerializationError, and the connection keeps working', async (label, flags, data) => {
        const name = `foreign-${label}`;
        await raw(name, flags, data);
        await cache.set('after-foreign', label);
        await expect(cache.get(name)).rejects.toBeInstanceOf(SerializationError);
        await expect(cache.getMany([name, 'after-foreign'])).rejects.toBeInstanceOf(SerializationError);
        await expect(cache.get('after-foreign')).resolves.toBe(label);
        await expect(cache.getMany(['after-foreign'])).resolves.toEqual(new Map([['after-foreign', label]]));
      });
    });

    describe('values over the item size limit', () => {
      it('rejects a value over 1 MB without sending it', async () => {
        await expect(cache.set('huge', 'x'.repeat(1_100_000))).rejects.toBeInstanceOf(ValueTooLargeError);
        await expect(cache.get('huge')).resolves.toBe(NOT_FOUND);
      });

      it('rejects a value the server refuses (SERVER_ERROR) and keeps the connection usable', async () => {
        // maxItemBytes above the server's real item size (-I 1m): the backend lets it through, the server refuses it.
        const cache = new MemcachedCache(first, { prefix: `${p}-over`, maxItemBytes: 2 * 1024 * 1024 });
        try {
          await cache.set('near-limit-neighbour', 'fine');
          const attempts = await Promise.allSettled([
            cache.set('near-limit', 'x'.repeat(1_048_500)),
            cache.get('near-limit-neighbour'),
          ]);
          expect(attempts[0]).toMatchObject({ status: 'rejected', reason: expect.any(BackendError) });
          expect(attempts[1]).toEqual({ status: 'fulfilled', value: 'fine' });
          await expect(cache.add('near-limit', 'x'.repeat(1_048_500))).rejects.toBeInstanceOf(BackendError);
          await expect(cache.get('near-limit-neighbour')).resolves.toBe('fine');
        } finally {
          await cache.close();
        }
      });
    });

    describe('ownership', () => {
      it('leaves a given client open after close(), and refuses calls once closed', async () => {
        const client = new Memcached(first, { retries: 0 });
        const given = new MemcachedCache(client, { prefix: `${p}-own` });
        await given.set('k', 1);
        await given.close();
        await expect(given.get('k')).rejects.toThrow(/closed/);
        const stillOpen = await new Promise((resolve, reject) =>
          client.get(`${p}-own:k`, (error, data) => (error ? reject(error) : resolve(data))),
        );
        expect(typeof stillOpen).toBe('string');
        client.end();
      });
    });
  });

  describe('a down or frozen server', () => {
    let server: StartedServer;
    /** Freezes the server by holding every byte (tcp-proxy.ts says why not SIGSTOP). */
    let proxy: TcpProxy;
    let stopped = false;

    beforeAll(async () => {
      server = await startMemcached();
      proxy = await TcpProxy.start(server.port);
    }, 15_000);

    afterAll(async () => {
      await proxy.close();
      if (!stopped) await stopServer(server);
    });

    it('settles every call and bounds the calls waiting on a frozen server', async () => {
      const cache = new MemcachedCache(proxy.address, { prefix: 'frozen', backendTimeoutMs: 100 });
      await cache.set('k', 'before');
      const socketsBefore = tcpSockets();
      proxy.hold();
      const started = Date.now();
      const calls = Array.from({ length: MEMCACHED_MAX_PENDING_CALLS }, (_, i) => cache.get(`k${i}`));
      const refusedAtOnce = cache.get('one too many');
      await expect(refusedAtOnce).rejects.toThrow(/already waiting for an answer/);
      const results = await Promise.allSettled(calls);
      // A destroyed socket's handle closes on a later turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const sockets = tcpSockets();
      proxy.pass();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(results.filter((r) => !(r.status === 'rejected' && r.reason instanceof BackendError))).toEqual([]);
      // The connections holding the stalled callbacks were dropped.
      expect(sockets).toBeLessThan(socketsBefore);
      await expect(cache.get('k')).resolves.toBe('before');
      await cache.close();
    }, 15_000);

    it('fails fast against a stopped server without crashing the process', async () => {
      const cache = new MemcachedCache(server.address, { prefix: 'down' });
      await cache.set('k', 1);
      await stopServer(server);
      stopped = true;
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.get('k')));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof BackendError)).toBe(true);
      // The client's own failure handling would spawn `ping` here (an uncaught ENOENT without it).
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(cache.get('k')).rejects.toBeInstanceOf(BackendError);
      await cache.close();
    }, 15_000);
  });

  it('raw helper sanity: the servers answer version', async () => {
    for (const address of addresses) expect((await rawExchange(address, '')).length).toBe(0);
  });
});
