import { DeadlineQueue } from '../../lib/runtime/deadline-queue';
import { withBound } from '../../lib/runtime/bound';

describe('DeadlineQueue: one timer for calls that share a bound', () => {
  afterEach(() => jest.useRealTimers());

  it('expires only the calls not settled in time, oldest first', () => {
    jest.useFakeTimers();
    const queue = new DeadlineQueue(100);
    const expired: number[] = [];
    const handles = [0, 1, 2, 3].map((n) => queue.add(() => expired.push(n)));
    jest.advanceTimersByTime(50);
    const late = queue.add(() => expired.push(4));
    (handles[1] as { settled: boolean }).settled = true;
    (handles[3] as { settled: boolean }).settled = true;
    jest.advanceTimersByTime(60);
    expect(expired).toEqual([0, 2]);
    jest.advanceTimersByTime(50);
    expect(expired).toEqual([0, 2, 4]);
    expect(late.settled).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps working across many rounds (the consumed part is compacted)', () => {
    jest.useFakeTimers();
    const queue = new DeadlineQueue(10);
    let expired = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) {
        const handle = queue.add(() => expired++);
        if (i % 3 !== 0) handle.settled = true;
      }
      jest.advanceTimersByTime(11);
    }
    expect(expired).toBe(5 * 1000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('withBound settles once: a late reply after the bound changes nothing', async () => {
    let reply!: (value: string) => void;
    const slow = new Promise<string>((resolve) => {
      reply = resolve;
    });
    await expect(withBound(slow, 20)).rejects.toThrow('no answer in time');
    reply('late');
    await expect(withBound(Promise.resolve('fast'), 20)).resolves.toBe('fast');
  });
});
