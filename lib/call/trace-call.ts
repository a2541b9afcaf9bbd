/**
 * A call of a cached function while `easy-cache:call` has subscribers (SPEC 11.7): the same call,
 * run inside the TracingChannel, with a message that learns the call's outcome from the call's
 * own events. Only ever entered when someone subscribed, so the untraced path builds nothing.
 */
import { renderFullKey, type CallPlan } from '../compile/compile-plan';
import { traceCall, type CallMessage } from '../observe/channels';
import type { CacheEventListener } from '../observe/events';
import { runCall } from './run-call';

/** Runs the call inside `easy-cache:call`; its message carries the function, the key and, once settled, the outcome. */
export function runTracedCall(plan: CallPlan, scope: unknown, args: readonly unknown[]): Promise<unknown> {
  let key: string | undefined;
  try {
    key = renderFullKey(plan, args, scope);
  } catch {
    // The call itself renders it again and rejects with this error: the outcome is `error`.
    key = undefined;
  }
  const message: CallMessage = { function: plan.label, key, outcome: undefined, staleReason: undefined };
  const observed = observedBy(plan, message);
  return traceCall(message, () =>
    runCall(observed, scope, args, key).then(
      (value) => {
        // No hit, miss or stale event: a stale entry was found and the function's value returned.
        message.outcome ??= 'miss';
        return value;
      },
      (error: unknown) => {
        message.outcome = 'error';
        throw error;
      },
    ),
  );
}

/**
 * The same plan, whose events also tell `message` what the call found: the hit, miss and stale
 * events mark the points where the call path decides. The function's own listener still gets
 * every event; the global listeners and `easy-cache:event` get them from `emitEvent` as always.
 */
function observedBy(plan: CallPlan, message: CallMessage): CallPlan {
  const own = plan.settings.onEvent;
  const onEvent: CacheEventListener = (event) => {
    if (event.type === 'hit' || event.type === 'miss') message.outcome = event.type;
    else if (event.type === 'stale') {
      message.outcome = 'stale';
      message.staleReason = event.reason;
    }
    if (own) own(event);
  };
  return Object.freeze({ ...plan, settings: Object.freeze({ ...plan.settings, onEvent }) });
}
