/**
 * Commands executed by the servers, read from the servers themselves: Redis `INFO commandstats`
 * and memcached `stats`. The difference of two readings divided by the operations run between
 * them is the commands per operation that the tables print.
 */
import { createConnection } from 'node:net';

/** Sends `request` to 127.0.0.1:`port` and resolves to the reply once `done(text)` holds. */
function ask(port, request, done) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from 127.0.0.1:${port} to ${request.trim()}`));
    }, 5000);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      text += chunk;
      if (done(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Total calls per Redis command since the server started, from `INFO commandstats`, without the
 * commands this reading itself causes (`info`) and the connection handshakes of new clients
 * (`client`, `hello`, `select`, `ping`).
 */
export async function redisCommandCounts(port) {
  // INFO's reply is a bulk string: `$<length>\r\n<text>\r\n`.
  const reply = await ask(port, 'INFO commandstats\r\n', (text) => {
    const header = /^\$(\d+)\r\n/.exec(text);
    return header !== null && Buffer.byteLength(text) >= header[0].length + Number(header[1]) + 2;
  });
  const counts = {};
  for (const match of reply.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts[match[1]] = Number(match[2]);
  for (const skipped of ['info', 'client', 'hello', 'select', 'ping', 'client|setname', 'client|setinfo', 'client|info']) delete counts[skipped];
  return counts;
}

/** The counters of memcached `stats` that count commands (gets count keys asked for). */
const MEMCACHED_COMMAND_STATS = ['cmd_get', 'cmd_set', 'cmd_touch', 'delete_hits', 'delete_misses', 'incr_hits', 'incr_misses', 'decr_hits', 'decr_misses', 'cas_hits', 'cas_misses', 'cas_badval'];

/** Memcached's command counters, keyed as `stats` names them. */
export async function memcachedCommandCounts(port) {
  const reply = await ask(port, 'stats\r\n', (text) => text.endsWith('END\r\n'));
  const counts = {};
  for (const match of reply.matchAll(/^STAT (\S+) (\d+)\r$/gm)) {
    if (MEMCACHED_COMMAND_STATS.includes(match[1])) counts[match[1]] = Number(match[2]);
  }
  return counts;
}

/** `after - before` per command, keeping only those that changed; with the total. */
export function difference(before, after) {
  const delta = {};
  let total = 0;
  for (const [name, count] of Object.entries(after)) {
    const change = count - (before[name] ?? 0);
    if (change > 0) {
      delta[name] = change;
      total += change;
    }
  }
  return { delta, total };
}
