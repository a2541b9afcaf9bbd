/**
 * Soft and hard invalidation (SPEC 11.2) on every backend, through every handle and the free
 * functions: after a hard one the entry is never served again, not even as a fail-safe fallback;
 * after a soft one it is stale at once, served when the function fails until its grace ends; for a
 * function without `grace` an expired entry is simply a miss.
 */
import { describeOnBackends, ALL_BACKENDS } from '../helpers/backends-under-test';
import { eventTypes, makeSubject, SUBJECT_KINDS, WAYS, type Subject } from './soft-subjects';

const WITH_GRACE = { timeout: 60, grace: 60 } as const;

/** Calls once so the entry holds 1, then makes the source answer 2 or fail. */
async function stored(subject: Subject, next: { fail: boolean }): Promise<void> {
  await expect(subject.call()).resolves.toBe(1);
  await expect(subject.call()).resolves.toBe(1);
  expect(subject.source.runs).toBe(1);
  subject.source.value = 2;
  subject.source.fail = next.fail;
}

describeOnBackends('soft and hard invalidation on %s', ALL_BACKENDS, { label: 'soft-inv' }, (under) => {
  describe.each(SUBJECT_KINDS)('through %s', (kind) => {
    it.each(WAYS)('by %s, soft: stale at once; a failing function gets the stale value', async (way) => {
      const subject = makeSubject(kind, under().backend, WITH_GRACE);
      await stored(subject, { fail: true });
      const from = subject.events.length;
      await subject.change('soft', way);
      await expect(subject.call()).resolves.toBe(1);
      // The function ran (the entry was not fresh) and its failure was covered by the stale value.
      expect(subject.source.runs).toBe(2);
      expect(eventTypes(subject, from)).toEqual(expect.arrayContaining(['invalidate', 'stale:error']));
      expect(subject.events.slice(from).find((event) => event.type === 'invalidate')).toMatchObject({ mode: 'soft' });
      expect(eventTypes(subject, from)).not.toContain('hit');
    });

    it.each(WAYS)('by %s, soft: a working function replaces the stale value', async (way) => {
      const subject = makeSubject(kind, under().backend, WITH_GRACE);
      await stored(subject, { fail: false });
      await subject.change('soft', way);
      await expect(subject.call()).resolves.toBe(2);
      await expect(subject.call()).resolves.toBe(2);
      expect(subject.source.runs).toBe(2);
    });

    it.each(WAYS)('by %s, hard: never served again, not even when the function fails', async (way) => {
      const subject = makeSubject(kind, under().backend, WITH_GRACE);
      await stored(subject, { fail: true });
      const from = subject.events.length;
      await subject.change('hard', way);
      await expect(subject.call()).rejects.toThrow(/source down/);
      await expect(subject.call()).rejects.toThrow(/source down/);
      expect(subject.events.slice(from).find((event) => event.type === 'invalidate')).toMatchObject({ mode: 'hard' });
      expect(eventTypes(subject, from)).not.toContain('stale:error');
    });

    it.each(WAYS)('by %s, soft, without grace: the expired entry is a miss, never a fallback', async (way) => {
      const subject = makeSubject(kind, under().backend, { timeout: 60 });
      await stored(subject, { fail: true });
      await subject.change('soft', way);
      await expect(subject.call()).rejects.toThrow(/source down/);
      subject.source.fail = false;
      await expect(subject.call()).resolves.toBe(2);
      await expect(subject.call()).resolves.toBe(2);
      expect(subject.source.runs).toBe(3);
    });
  });

  it.each(WAYS)('by %s, soft: the stale value is a fallback only until its grace ends', async (way) => {
    // Fresh for 1 s, then stale until 2.1 s: expired at once, served while the grace lasts, then gone.
    // The hit and the stale read (a few round trips) must come before memcached drops the entry:
    // it rounds 2.1 s up to 3 s and may drop it a second early, which still leaves them about 2 s.
    // Gone 2.2 s later by the entry's own times, on every backend.
    const subject = makeSubject('cached', under().backend, { timeout: 1, grace: 1.1 });
    await stored(subject, { fail: true });
    await subject.change('soft', way);
    await expect(subject.call()).resolves.toBe(1);
    await under().passTime(2200);
    await expect(subject.call()).rejects.toThrow(/source down/);
  });

  it('a soft invalidation after a hard one brings nothing back', async () => {
    const subject = makeSubject('cached', under().backend, WITH_GRACE);
    await stored(subject, { fail: true });
    await subject.change('hard', 'tags');
    await subject.change('soft', 'key');
    await subject.change('soft', 'tags');
    await expect(subject.call()).rejects.toThrow(/source down/);
  });
});
