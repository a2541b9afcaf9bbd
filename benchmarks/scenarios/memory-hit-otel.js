/** Memory hit under observation: the same hit with no subscriber, a bare channel subscriber, and easy-cache/otel (hits without and with spans). */
import { contender, HIT_IDS } from '../lib/kit.js';
import { easyCache, makeLoader } from '../lib/libraries.js';
import { addedCostLines, channelSubscriber, otelInstrumentation } from '../lib/otel-kit.js';

export default {
  id: 'memory-hit-otel',
  title: 'Memory hit, sequential, observed (SPEC 11.7)',
  measures: `A call whose result is in process memory (${HIT_IDS.length} users cycled), with nothing subscribed to easy-cache's channels (the limit), with a no-op node:diagnostics_channel subscriber, and with instrumentEasyCache() on an SDK that records but exports nothing. Each contender subscribes for its own samples only.`,
  backend: 'memory',
  inFlight: 1,
  expectHits: true,
  summary: (rows) => addedCostLines(rows, 'hit'),
  async contenders(env) {
    const observed = async (label, role, observer) => {
      const loader = makeLoader();
      return { ...contender(label, role, await easyCache(env, 'memory', loader), loader, 'hit', env), ...observer };
    };
    return [
      await observed('easy-cache, new MemoryCache(), no subscriber', 'limit', {}),
      await observed('easy-cache, a no-op easy-cache:call subscriber', 'easy-cache', channelSubscriber()),
      await observed('easy-cache, instrumentEasyCache() (hits: metrics only)', 'easy-cache', otelInstrumentation()),
      await observed('easy-cache, instrumentEasyCache({ hits: true }) (a span per hit)', 'easy-cache', otelInstrumentation({ hits: true })),
    ];
  },
};
