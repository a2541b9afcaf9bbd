/**
 * Jest global set-up: starts a redis-server, a three-master Redis Cluster and two memcached on
 * loopback ports and publishes their addresses in the variables of `helpers/server-suites.ts`,
 * which the test workers inherit. A variable the developer has already set names a server of
 * theirs, which is used as it is and neither started nor stopped here.
 */
import { SERVER_ENV, type ServerKind } from '../helpers/server-suites';
import { clearState, loadState, saveState } from './run-state';
import {
  hasBinary,
  killServersSync,
  startMemcached,
  startRedis,
  startRedisCluster,
  type StartedServer,
} from './servers';

/** What each server kind needs on the PATH, and how it is started. */
const PLANS: Record<ServerKind, { binaries: string[]; start: () => Promise<StartedServer[]> }> = {
  redis: { binaries: ['redis-server'], start: async () => [await startRedis()] },
  redisCluster: {
    binaries: ['redis-server', 'redis-cli'],
    start: async () => [...(await startRedisCluster(3)).nodes],
  },
  memcached: {
    binaries: ['memcached'],
    start: async () => {
      const started = await Promise.allSettled([startMemcached(), startMemcached()]);
      const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) {
        killServersSync(servers);
        throw failed.reason;
      }
      return servers;
    },
  },
};

const SUITES: Record<ServerKind, string> = {
  redis: 'Redis backend suites (describeWithRedis)',
  redisCluster: 'Redis Cluster suites (describeWithRedisCluster)',
  memcached: 'Memcached backend suites (describeWithMemcached)',
};

/** A loud banner listing what will be skipped and why. */
function banner(problems: readonly { kind: ServerKind; reason: string }[]): string {
  const line = '!'.repeat(78);
  return [
    '',
    line,
    '!! easy-cache tests: some test servers are not available; these suites will be SKIPPED:',
    ...problems.map(({ kind, reason }) => `!!   - ${SUITES[kind]}: ${reason}`),
    '!!',
    '!! To run them, install the servers (Debian/Ubuntu):',
    '!!     sudo apt-get install -y redis-server memcached',
    '!! or point the tests at servers of your own:',
    ...Object.values(SERVER_ENV).map((name) => `!!     ${name}=host:port[,host:port...]`),
    '!! Set EASY_CACHE_REQUIRE_SERVERS=1 to make missing servers fail the run (CI does).',
    line,
    '',
  ].join('\n');
}

export default async function globalSetup(): Promise<void> {
  const startedAt = Date.now();
  const kinds = Object.keys(PLANS) as ServerKind[];
  const problems: { kind: ServerKind; reason: string }[] = [];
  const servers: StartedServer[] = [];

  await Promise.all(
    kinds.map(async (kind) => {
      const variable = SERVER_ENV[kind];
      if (process.env[variable]) return;
      const missing = PLANS[kind].binaries.filter((binary) => !hasBinary(binary));
      if (missing.length > 0) {
        problems.push({ kind, reason: `${missing.join(', ')} not found on the PATH` });
        return;
      }
      try {
        const started = await PLANS[kind].start();
        servers.push(...started);
        process.env[variable] = started.map((server) => server.address).join(',');
      } catch (error) {
        problems.push({ kind, reason: `could not start: ${(error as Error).message}` });
      }
    }),
  );

  saveState({ servers });
  // If jest exits without running the tear-down, the servers must not outlive it; after a
  // tear-down the recorded state is empty and this does nothing.
  process.once('exit', () => {
    killServersSync(loadState().servers);
    clearState();
  });

  if (problems.length > 0) {
    const text = banner(problems);
    if (process.env.EASY_CACHE_REQUIRE_SERVERS === '1') {
      killServersSync(servers);
      clearState();
      throw new Error(`EASY_CACHE_REQUIRE_SERVERS=1 but test servers are missing:${text}`);
    }
    console.warn(text);
  }
  if (process.env.EASY_CACHE_DEBUG === 'yes') {
    console.log(`easy-cache test servers ready in ${Date.now() - startedAt} ms`);
  }
}
