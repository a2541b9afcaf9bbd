/**
 * The hot read of a remote backend (a function without tags or prefix, no breaker to consult, no
 * trace to make) bounds itself instead of going through `boundedGet` (run-call.ts, `UntaggedRead`).
 * It must fail as `boundedGet` fails: cut at its bound and absorbed as a miss, reported once,
 * rejected in strict mode, with nothing a late reply or a late failure can change or leave
 * unhandled. A remote-like backend here answers, hangs or throws as the test says; every case runs
 * on a backend with `get` only, and on one with `readInto` (the Redis backend's hot read).
 */
import { BackendError, cached, NOT_FOUND, type ErrorInfo, type ReadReceiver } from '../../lib';
import { deferred, settle, type Deferred } from '../helpers/deferred';
import { MemoryBehindReads } from '../helpers/memory-behind-reads';

const BOUND_MS = 40;

/** A backend that is not in process (so its calls are bounded) over a `MemoryCache`, whose `get` the test controls. */
class ControlledRemote extends MemoryBehindReads {
  readonly inProcess = false;
  readonly backendTimeoutMs = BOUND_MS;
  /** `answer`: at once; `late`: when `reply` settles; `throw`: throws before returning a promise. */
  mode: 'answer' | 'late' | 'throw' = 'answer';
  reply: Deferred<void> | undefined;
  gets = 0;

  get(key: string): Promise<unknown> {
    this.gets++;
    if (this.mode === 'throw') throw new Error('get threw at once (test)');
    const stored = this.inner.get(key);
    if (this.mode === 'answer') return stored;
    this.reply = deferred();
    return this.reply.promise.then(() => stored);
  }
  getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    return this.inner.getMany(keys);
  }
}

/** The same backend with `readInto`, which hands `get`'s outcome over in the reaction to it, and can hand it twice. */
class ControlledReceivingRemote extends ControlledRemote {
  /** Hands every outcome over twice (a faulty backend): the read must take the first. */
  twice = false;

  readInto(key: string, receiver: ReadReceiver): void {
    this.get(key).then(
      (stored) => {
        receiver.receive(stored, true);
        if (this.twice) receiver.receive(new Error('a second outcome (test)'), false);
      },
      (error: unknown) => receiver.receive(error, false),
    );
  }
}

const BACKENDS = [
  ['get', () => new ControlledRemote()],
  ['readInto', () => new ControlledReceivingRemote()],
] as const;

describe.each(BACKENDS)('with a backend read through %s', (_name, makeBackend) => {
  function setUp(strict = false) {
    const backend = makeBackend();
    const reported: { error: Error; info: ErrorInfo }[] = [];
    let runs = 0;
    const getUser = cached(async (id: number) => ({ id, run: ++runs }), {
      cacheKey: 'user:{id}',
      cacheInstance: backend,
      strict,
      onError: (error, info) => reported.push({ error, info }),
    });
    return { backend, getUser, reported, runs: () => runs };
  }

  /** Collects unhandled rejections while `run` runs and a little after. */
  async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await run();
      await settle(5);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    return unhandled;
  }

  describe('the hot remote read bounds itself', () => {
    it('serves a stored entry as a hit', async () => {
      const { backend, getUser, runs } = setUp();
      expect(await getUser(1)).toEqual({ id: 1, run: 1 });
      backend.mode = 'late';
      const call = getUser(1);
      backend.reply?.resolve();
      expect(await call).toEqual({ id: 1, run: 1 });
      expect(runs()).toBe(1);
    });

    it('is cut at its bound, runs the function, reports once, and a reply after the cut changes nothing', async () => {
      const { backend, getUser, reported, runs } = setUp();
      await getUser(1);
      backend.mode = 'late';
      const unhandled = await unhandledDuring(async () => {
        const started = Date.now();
        expect(await getUser(1)).toEqual({ id: 1, run: 2 });
        expect(Date.now() - started).toBeGreaterThanOrEqual(BOUND_MS - 5);
        backend.reply?.resolve();
      });
      expect(unhandled).toEqual([]);
      expect(runs()).toBe(2);
      expect(reported).toHaveLength(1);
      expect(reported[0]?.error).toBeInstanceOf(BackendError);
      expect(reported[0]?.error.message).toMatch(new RegExp(`backend get failed for key user:1: no answer within ${BOUND_MS} ms`));
      expect(reported[0]?.info).toMatchObject({ operation: 'get', key: 'user:1' });
    });

    it('leaves nothing unhandled when the reply fails after the cut', async () => {
      const { backend, getUser, reported } = setUp();
      backend.mode = 'late';
      const unhandled = await unhandledDuring(async () => {
        expect(await getUser(2)).toEqual({ id: 2, run: 1 });
        backend.reply?.reject(new Error('the connection dropped late (test)'));
      });
      expect(unhandled).toEqual([]);
      expect(reported).toHaveLength(1);
    });

    it('treats a get that throws before returning a promise as a failed read', async () => {
      const { backend, getUser, reported, runs } = setUp();
      backend.mode = 'throw';
      expect(await getUser(3)).toEqual({ id: 3, run: 1 });
      expect(runs()).toBe(1);
      expect(reported[0]?.error).toBeInstanceOf(BackendError);
      expect(reported[0]?.error.cause).toEqual(new Error('get threw at once (test)'));
    });

    it('rejects once with BackendError in strict mode, cut at its bound or failing at once, and leaves nothing unhandled', async () => {
      const { backend, getUser, runs } = setUp(true);
      backend.mode = 'late';
      const unhandled = await unhandledDuring(async () => {
        await expect(getUser(4)).rejects.toThrow(new RegExp(`no answer within ${BOUND_MS} ms`));
        backend.reply?.resolve();
        backend.mode = 'throw';
        await expect(getUser(4)).rejects.toBeInstanceOf(BackendError);
      });
      expect(unhandled).toEqual([]);
      expect(runs()).toBe(0);
    });
  });
});

describe('a backend whose readInto breaks its contract', () => {
  it('hands the outcome over before readInto returned: the call is served all the same', async () => {
    const backend = new ControlledRemote() as ControlledRemote & { readInto(key: string, receiver: ReadReceiver): void };
    const stored = new Map<string, unknown>();
    backend.readInto = (key, receiver) => receiver.receive(stored.has(key) ? stored.get(key) : NOT_FOUND, true);
    let runs = 0;
    const getUser = cached(async (id: number) => ({ id, run: ++runs }), { cacheKey: 'user:{id}', cacheInstance: backend });
    await expect(getUser(6)).resolves.toEqual({ id: 6, run: 1 });
    stored.set('user:6', await backend.get('user:6'));
    await expect(getUser(6)).resolves.toEqual({ id: 6, run: 1 });
    expect(runs).toBe(1);
  });

  it('hands an outcome over twice: the first is served; the second changes nothing and is not reported', async () => {
    const backend = new ControlledReceivingRemote();
    const reported: Error[] = [];
    const getUser = cached(async (id: number) => ({ id }), { cacheKey: 'user:{id}', cacheInstance: backend, onError: (error) => reported.push(error) });
    await getUser(5);
    backend.twice = true;
    await expect(getUser(5)).resolves.toEqual({ id: 5 });
    await settle(5);
    expect(reported).toEqual([]);
  });
});
