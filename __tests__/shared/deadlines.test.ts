import { withBound } from '../../lib/shared/bound';
import { DeadlineQueue, type Expirable } from '../../lib/shared/deadlines';
import { MAX_TIMER_MS } from '../../lib/shared/timer-limit';

/** A watched call that records its expiry under `name`. */
function call(name: number, expired: number[]): Expirable {
  return {
    settled: false,
    deadline: 0,
    expire() {
      this.settled = true;
      expired.push(name);
    },
  };
}

describe('DeadlineQueue: one timer for calls that share a bound', () => {
  afterEach(() => jest.useRealTimers());

  it('expires only the calls not settled in time, oldest first', () => {
    jest.useFakeTimers();
    const queue = new DeadlineQueue<Expirable>(100);
    const expired: number[] = [];
    const calls = [0, 1, 2, 3].map((n) => call(n, expired));
    calls.forEach((c) => queue.add(c));
    jest.advanceTimersByTime(50);
    const late = call(4, expired);
    queue.add(late);
    (calls[1] as Expirable).settled = true;
    (calls[3] as Expirable).settled = true;
    expect([...queue.unsettled()]).toEqual([calls[0], calls[2], late]);
    jest.advanceTimersByTime(60);
    expect(expired).toEqual([0, 2]);
    jest.advanceTimersByTime(50);
    expect(expired).toEqual([0, 2, 4]);
    expect([...queue.unsettled()]).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still cuts the calls left when cutting one settles the next (a memcached stall fails other calls at once)', () => {
    jest.useFakeTimers();
    const queue = new DeadlineQueue<Expirable>(100);
    const expired: number[] = [];
    const first = call(0, expired);
    queue.add(first);
    jest.advanceTimersByTime(50);
    const second = call(1, expired);
    const third = call(2, expired);
    queue.add(second);
    queue.add(third);
    // Cut, the first call settles the second at once and takes it out of the list.
    first.expire = function (this: Expirable) {
      this.settled = true;
      expired.push(0);
      second.settled = true;
      queue.remove(second);
    };
    jest.advanceTimersByTime(60);
    expect(expired).toEqual([0]);
    jest.advanceTimersByTime(50);
    expect(expired).toEqual([0, 2]);
    expect([...queue.unsettled()]).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps working across many rounds (the consumed part is compacted)', () => {
    jest.useFakeTimers();
    const queue = new DeadlineQueue<Expirable>(10);
    const expired: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) {
        const c = call(i, expired);
        queue.add(c);
        if (i % 3 !== 0) c.settled = true;
      }
      jest.advanceTimersByTime(11);
    }
    expect(expired).toHaveLength(5 * 1000);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('withBound', () => {
  it('settles once: a late reply after the bound changes nothing', async () => {
    let reply!: (value: string) => void;
    const slow = new Promise<string>((resolve) => {
      reply = resolve;
    });
    await expect(withBound(slow, 20)).rejects.toThrow('no answer in time');
    reply('late');
    await expect(withBound(Promise.resolve('fast'), 20)).resolves.toBe('fast');
  });
});

describe('DeadlineQueue with a bound beyond a timer\'s reach', () => {
  afterEach(() => jest.restoreAllMocks());

  it('neither expires its calls early nor sets a timer Node cannot keep (one that fires after 1 ms instead)', async () => {
    const timers = jest.spyOn(global, 'setTimeout');
    const queue = new DeadlineQueue<Expirable>(MAX_TIMER_MS + 1000);
    const expired: number[] = [];
    const waiting = call(1, expired);
    queue.add(waiting);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(expired).toEqual([]);
    const delays = timers.mock.calls.map(([, delay]) => delay ?? 0);
    expect(delays.every((delay) => delay <= MAX_TIMER_MS)).toBe(true);
    waiting.settled = true;
  });
});
