/**
 * A read whose backend foresees its value (`CacheInstance.get`'s `foresee`, what the remote
 * backends' decode memo does) is judged when foreseen, while the server answers: by the clock
 * then, when the read returns that very value; a reply that is anything else is judged when it
 * comes. A backend here foresees what its memory holds and answers when the test lets it, with a
 * clock the test moves between the two.
 */
import { cached, MemoryCache, type CacheEvent, type Foresee } from '../../lib';
import { CountingBackend } from '../helpers/counting-backend';
import { deferred, settle, waitFor, type Deferred } from '../helpers/deferred';

/** Foresees the entry its memory holds as the read leaves; answers when `answer` resolves, with the foreseen entry or (`replyWithCopy`) an equal object. */
class ForeseeingBackend extends CountingBackend {
  answer: Deferred<void> | undefined;
  replyWithCopy = false;
  clockThrows = false;
  readonly memory: MemoryCache;

  constructor(clock: () => number) {
    const memory = new MemoryCache({ now: clock });
    super(memory, {
      now: () => {
        if (this.clockThrows) throw new Error('the clock is out (test)');
        return clock();
      },
    });
    this.memory = memory;
  }

  override get(key: string, foresee?: Foresee): Promise<unknown> {
    const likely = this.memory.getSync(key);
    foresee?.(likely);
    const reply = this.replyWithCopy ? structuredClone(likely) : likely;
    return (this.answer?.promise ?? Promise.resolve()).then(() => reply);
  }
}

function setUp() {
  let now = 1_000_000;
  const backend = new ForeseeingBackend(() => now);
  const events: CacheEvent[] = [];
  let runs = 0;
  const getUser = cached(async (id: number) => ({ id, run: ++runs }), {
    cacheKey: 'user:{id}',
    cacheInstance: backend,
    timeout: 10,
    grace: 60,
    softTimeoutMs: 0,
    onEvent: (event) => events.push(event),
  });
  return {
    backend,
    getUser,
    events,
    runs: () => runs,
    moveClockTo: (ms: number) => {
      now = ms;
    },
    /** A call made while the entry is fresh, answered once the clock passed its timeout. */
    async callAnsweredLate(): Promise<unknown> {
      now = 1_005_000;
      backend.answer = deferred();
      const call = getUser(1);
      now = 1_020_000;
      backend.answer.resolve();
      return call;
    },
  };
}

describe('reads judged while the server answers', () => {
  it('serves the value it foresaw as the hit it was when foreseen, by the clock then', async () => {
    const rig = setUp();
    expect(await rig.getUser(1)).toEqual({ id: 1, run: 1 });
    rig.events.length = 0;
    expect(await rig.callAnsweredLate()).toEqual({ id: 1, run: 1 });
    expect(rig.events.map((event) => event.type)).toEqual(['hit']);
    expect(rig.runs()).toBe(1);
  });

  it('judges a reply other than the value foreseen when it comes: stale by then, it starts the refresh', async () => {
    const rig = setUp();
    await rig.getUser(1);
    rig.events.length = 0;
    rig.backend.replyWithCopy = true;
    expect(await rig.callAnsweredLate()).toEqual({ id: 1, run: 1 });
    expect(rig.events.filter((event) => event.type === 'stale')).toEqual([expect.objectContaining({ reason: 'swr', key: 'user:1' })]);
    await waitFor(() => rig.runs() === 2);
  });

  it('judges after the reply when the clock fails as the value is foreseen', async () => {
    const rig = setUp();
    await rig.getUser(1);
    rig.events.length = 0;
    rig.moveClockTo(1_005_000);
    rig.backend.answer = deferred();
    rig.backend.clockThrows = true;
    const call = rig.getUser(1);
    rig.backend.clockThrows = false;
    rig.backend.answer.resolve();
    expect(await call).toEqual({ id: 1, run: 1 });
    expect(rig.events.map((event) => event.type)).toEqual(['hit']);
  });

  it('serves a foreseen stale value at once for the reason it had when foreseen, though the refresh ended before the reply', async () => {
    let now = 1_000_000;
    const backend = new ForeseeingBackend(() => now);
    const events: CacheEvent[] = [];
    const refresh = deferred();
    let runs = 0;
    const getUser = cached(
      async (id: number) => {
        if (++runs > 1) await refresh.promise;
        return { id, run: runs };
      },
      { cacheKey: 'user:{id}', cacheInstance: backend, timeout: 10, grace: 60, softTimeoutMs: 0, onEvent: (event) => events.push(event) },
    );
    await getUser(1);
    now = 1_020_000;
    expect(await getUser(1)).toEqual({ id: 1, run: 1 }); // stale: served, and its refresh starts (held)
    events.length = 0;
    backend.answer = deferred();
    const call = getUser(1); // foreseen while the refresh runs: stale-while-revalidate
    refresh.resolve();
    await waitFor(() => backend.counts().set === 2, 0);
    backend.answer.resolve();
    expect(await call).toEqual({ id: 1, run: 1 });
    expect(events.filter((event) => event.type !== 'set')).toEqual([expect.objectContaining({ type: 'stale', reason: 'swr', key: 'user:1' })]);
    // Judged after the reply, with no refresh running by then, it would have started another.
    await settle();
    expect(runs).toBe(2);
  });
});
