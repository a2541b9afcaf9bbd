/**
 * The breaker's state machine on an injected clock (SPEC 11.5): no timer, no server, no waiting.
 */
import { Breaker } from '../../lib/guard/breaker';

/** A breaker of `failures` and `openMs` on a clock the test moves. */
function breakerAt(failures = 3, openMs = 2000) {
  let now = 1_000_000;
  const breaker = new Breaker({ failures, openMs }, () => now);
  return { breaker, pass: (ms: number) => (now += ms), now: () => now };
}

describe('Breaker', () => {
  it('opens after the given failures in a row, and only then', () => {
    const { breaker } = breakerAt(3);
    expect(breaker.quiet).toBe(true);
    expect(breaker.failed('pass')).toBe(false);
    expect(breaker.quiet).toBe(false);
    expect(breaker.failed('pass')).toBe(false);
    expect(breaker.admit()).toBe('pass');
    expect(breaker.failed('pass', 'the third')).toBe(true);
    expect(breaker.isOpen).toBe(true);
    expect(breaker.cause).toBe('the third');
    expect(breaker.admit()).toBe('refuse');
  });

  it('starts counting again after a success', () => {
    const { breaker } = breakerAt(3);
    breaker.failed('pass');
    breaker.failed('pass');
    expect(breaker.succeeded('pass')).toBe(false);
    expect(breaker.quiet).toBe(true);
    expect(breaker.failed('pass')).toBe(false);
    expect(breaker.failed('pass')).toBe(false);
    expect(breaker.isOpen).toBe(false);
  });

  it('refuses every call for openMs, then lets exactly one probe through', () => {
    const { breaker, pass } = breakerAt(1, 2000);
    breaker.failed('pass');
    for (let i = 0; i < 200; i++) expect(breaker.admit()).toBe('refuse');
    pass(1999);
    expect(breaker.admit()).toBe('refuse');
    pass(1);
    expect(breaker.admit()).toBe('probe');
    // While the probe is out, everyone else still skips the backend.
    expect(breaker.admit()).toBe('refuse');
    expect(breaker.admit()).toBe('refuse');
  });

  it('closes when the probe is answered, reporting how long it was open', () => {
    const { breaker, pass } = breakerAt(1, 500);
    breaker.failed('pass');
    const openedAt = breaker.openedAt;
    pass(600);
    expect(breaker.admit()).toBe('probe');
    pass(10);
    expect(breaker.succeeded('probe')).toBe(true);
    expect(breaker.isOpen).toBe(false);
    expect(breaker.quiet).toBe(true);
    expect(breaker.closedAt - openedAt).toBe(610);
    expect(breaker.admit()).toBe('pass');
    // Closed once: a second answer closes nothing.
    expect(breaker.succeeded('probe')).toBe(false);
  });

  it('stays open for another openMs when the probe fails, without a second opening', () => {
    const { breaker, pass } = breakerAt(1, 500);
    expect(breaker.failed('pass')).toBe(true);
    const openedAt = breaker.openedAt;
    pass(500);
    expect(breaker.admit()).toBe('probe');
    pass(20);
    expect(breaker.failed('probe')).toBe(false);
    expect(breaker.openedAt).toBe(openedAt);
    pass(499);
    expect(breaker.admit()).toBe('refuse');
    pass(1);
    expect(breaker.admit()).toBe('probe');
  });

  it('lets another call probe when a probe never answers', () => {
    const { breaker, pass } = breakerAt(1, 500);
    breaker.failed('pass');
    pass(500);
    expect(breaker.admit()).toBe('probe');
    pass(499);
    expect(breaker.admit()).toBe('refuse');
    pass(1);
    expect(breaker.admit()).toBe('probe');
  });

  it('is not closed or reopened by late answers of calls made before it opened', () => {
    const { breaker, pass } = breakerAt(1, 500);
    breaker.failed('pass');
    expect(breaker.succeeded('pass')).toBe(false);
    expect(breaker.isOpen).toBe(true);
    pass(500);
    expect(breaker.admit()).toBe('probe');
    expect(breaker.succeeded('pass')).toBe(false);
    expect(breaker.failed('pass')).toBe(false);
    // The probe still decides.
    expect(breaker.succeeded('probe')).toBe(true);
  });
});
