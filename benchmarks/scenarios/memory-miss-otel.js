/** Memory miss under observation: the same miss with no subscriber and with easy-cache/otel (a span with a child per backend call, and the metrics). */
import { contender } from '../lib/kit.js';
import { easyCache, makeLoader } from '../lib/libraries.js';
import { addedCostLines, channelSubscriber, otelInstrumentation } from '../lib/otel-kit.js';

export default {
  id: 'memory-miss-otel',
  title: 'Memory miss, sequential, observed (SPEC 11.7)',
  measures: 'A call for a new user (look up, run the function, store), with nothing subscribed (the limit), with a no-op node:diagnostics_channel subscriber, and with instrumentEasyCache() on an SDK that records but exports nothing.',
  backend: 'memory',
  inFlight: 1,
  summary: (rows) => addedCostLines(rows, 'miss'),
  async contenders(env) {
    const observed = async (label, role, observer) => {
      const loader = makeLoader();
      return { ...contender(label, role, await easyCache(env, 'memory', loader), loader, 'miss', env), ...observer };
    };
    return [
      await observed('easy-cache, new MemoryCache(), no subscriber', 'limit', {}),
      await observed('easy-cache, a no-op easy-cache:call subscriber', 'easy-cache', channelSubscriber()),
      await observed('easy-cache, instrumentEasyCache() (a span and a child span per miss)', 'easy-cache', otelInstrumentation()),
    ];
  },
};
