/**
 * A TCP proxy on 127.0.0.1 that counts what clients send to a server: every `data` event from a
 * client is one write that reached the server, so with Nagle off (ioredis, node-redis and
 * memcached clients all set noDelay) a run of commands sent together counts once. Used only in the
 * counting pass, never while timing, since the proxy adds a hop of its own.
 */
import { createConnection, createServer } from 'node:net';

/**
 * Starts a proxy in front of `127.0.0.1:targetPort`. Resolves to
 * `{ port, writes(), reset(), close() }`: `writes()` is the number of client writes since `reset()`.
 */
export function startCountingProxy(targetPort) {
  let writes = 0;
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk) => {
      writes++;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        writes: () => writes,
        reset: () => {
          writes = 0;
        },
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
