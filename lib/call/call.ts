import type { CacheInstance } from '../backends/backend';
import type { CallFacts } from '../compile/call-hook';
import type { CallPlan } from '../compile/compile-plan';
import type { FunctionSignature } from '../keys/parameter-names';
import { BackendSession } from '../guard/guard';

/**
 * One user call that needs more than a plain hit: its plan, receiver, arguments and key, and its
 * session with the backend (one bound before the function runs, down after a failure). Made only
 * off the hit path, so a hit allocates nothing for it. It is also the facts that key, tag and
 * timeout functions receive.
 */
export class Call extends BackendSession implements CallFacts {
  readonly plan: CallPlan;
  readonly scope: unknown;
  readonly args: readonly unknown[];
  readonly key: string;

  constructor(plan: CallPlan, backend: CacheInstance, scope: unknown, args: readonly unknown[], key: string) {
    super(backend, plan.settings);
    this.plan = plan;
    this.scope = scope;
    this.args = args;
    this.key = key;
  }

  /** The user's function. */
  get fn(): (...args: never[]) => unknown {
    return this.plan.fn;
  }

  /** The function's parameters, read once at wrap time. */
  get signature(): FunctionSignature {
    return this.plan.signature;
  }
}
