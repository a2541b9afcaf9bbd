/**
 * `withBound` on real timers: the value or error of a call that settles in time, `BoundExceeded`
 * a few ms after the bound for one that does not, and no bound at all where none can be kept.
 */
import { BoundExceeded, withBound } from '../../lib/shared/bound';
import { MAX_TIMER_MS } from '../../lib/shared/timer-limit';

const never = (): Promise<never> => new Promise<never>(() => undefined);
const after = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(resolve, ms, value));

describe('withBound', () => {
  it('settles as the call does when it answers in time', async () => {
    await expect(withBound(after(5, 'value'), 1000)).resolves.toBe('value');
    const failure = new Error('refused');
    await expect(withBound(Promise.reject(failure), 1000)).rejects.toBe(failure);
  });

  it('rejects with BoundExceeded at the bound when the call does not answer', async () => {
    jest.useFakeTimers();
    try {
      // A fresh copy of the module on the fake clock: no sweep of an earlier test is left pending on the real one.
      let fresh!: typeof import('../../lib/shared/bound');
      jest.isolateModules(() => {
        fresh = require('../../lib/shared/bound') as typeof import('../../lib/shared/bound');
      });
      let outcome: unknown;
      fresh.withBound(never(), 30).catch((error: unknown) => {
        outcome = error;
      });
      await jest.advanceTimersByTimeAsync(29);
      expect(outcome).toBeUndefined();
      // The sweep's timer is set for the earliest deadline: cut as the bound passes.
      await jest.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(fresh.BoundExceeded);
    } finally {
      jest.useRealTimers();
    }
  });

  it('ignores a reply that comes after the bound', async () => {
    const bounded = withBound(after(60, 'late'), 20);
    await expect(bounded).rejects.toBeInstanceOf(BoundExceeded);
    await after(60, undefined);
    await expect(bounded).rejects.toBeInstanceOf(BoundExceeded);
  });

  it('cuts the calls that outlive their bound in the order they were made, and only those', async () => {
    // On the fake clock: on real timers a stalled process can reach the sweep at 20 ms before
    // the 5 ms answer, which then comes too late (both are due; the sweep was scheduled first).
    jest.useFakeTimers();
    try {
      let fresh!: typeof import('../../lib/shared/bound');
      jest.isolateModules(() => {
        fresh = require('../../lib/shared/bound') as typeof import('../../lib/shared/bound');
      });
      const order: string[] = [];
      const track = (name: string, call: Promise<unknown>) =>
        call.then(
          () => order.push(`${name} answered`),
          () => order.push(`${name} cut`),
        );
      const all = Promise.all([
        track('a', fresh.withBound(never(), 20)),
        track('b', fresh.withBound(after(5, 'b'), 20)),
        track('c', fresh.withBound(never(), 20)),
      ]);
      await jest.advanceTimersByTimeAsync(5);
      expect(order).toEqual(['b answered']);
      await jest.advanceTimersByTimeAsync(20);
      await all;
      expect(order).toEqual(['b answered', 'a cut', 'c cut']);
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([
    ['0', 0],
    ['a negative bound', -5],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['a bound longer than a timer can wait', MAX_TIMER_MS + 1],
  ])('puts no bound for %s: the call itself is returned', (_label, ms) => {
    const call = after(1, 'value');
    expect(withBound(call, ms)).toBe(call);
  });
});
