/**
 * One ioredis connection shared by a scenario's raw client and easy-cache's contenders, when the
 * scenario asks for it (`env.sharedRedis`, see `shareRedis`). Identical contenders on connections
 * of their own differ by up to 1.5 % in a paired run (which connection the machine favours is
 * chance), as much as some targets' whole margin; on one connection their ratio is the library's
 * cost alone. Closed when its last user closes.
 */

/** `env` with a shared connection for the contenders built from it (released once each user has closed). */
export function shareRedis(env) {
  let users = 0;
  const client = new env.clients.Redis({ host: '127.0.0.1', port: env.redisPort });
  return {
    ...env,
    sharedRedis: {
      client,
      /** The shared client, counted as in use until `release` is called once for it. */
      take: () => {
        users++;
        return client;
      },
      release: () => {
        if (--users === 0) client.disconnect();
      },
    },
  };
}

/**
 * A connection for one contender: the shared one when `env` has it, else a new client. `release`
 * closes it (the shared one once its last user released it).
 */
export function redisConnection(env, options = {}) {
  if (env.sharedRedis && !options.enableAutoPipelining) return { client: env.sharedRedis.take(), release: env.sharedRedis.release };
  const client = new env.clients.Redis({ host: '127.0.0.1', port: env.redisPort, ...options });
  return { client, release: () => client.disconnect() };
}
