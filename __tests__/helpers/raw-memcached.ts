/**
 * A minimal memcached text-protocol client over a bare `net.Socket`, for tests that must see
 * exactly what a server holds, or write what other clients write, without the `memcached` client.
 */
import { createConnection } from 'node:net';

/** A value as memcached stores it. */
export interface RawItem {
  readonly flags: number;
  readonly data: Buffer;
}

const SENTINEL = 'version\r\n';
const DONE = /VERSION [^\r\n]*\r\n$/;

/**
 * Sends `payload` (one or more commands) to `address`, followed by `version`, and resolves to every
 * byte the server answered before the version line.
 */
export function rawExchange(address: string, payload: string | Buffer): Promise<Buffer> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw memcached ${address}: no answer within 5 s`));
    }, 5000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      const text = all.toString('latin1');
      if (!DONE.test(text)) return;
      clearTimeout(timer);
      socket.end();
      resolve(all.subarray(0, text.lastIndexOf('VERSION ')));
    });
    socket.write(Buffer.concat([Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8'), Buffer.from(SENTINEL)]));
  });
}

/** Stores `data` under `key` with `flags`, as another client would; resolves to the server's answer line. */
export async function rawSet(address: string, key: string, flags: number, data: string | Buffer, exptime = 0): Promise<string> {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  const header = Buffer.from(`set ${key} ${flags} ${exptime} ${bytes.length}\r\n`, 'utf8');
  const answer = await rawExchange(address, Buffer.concat([header, bytes, Buffer.from('\r\n')]));
  return answer.toString('utf8').trim();
}

/** The item under `key` on the server at `address`, or `undefined`. */
export async function rawGet(address: string, key: string): Promise<RawItem | undefined> {
  const answer = await rawExchange(address, `get ${key}\r\n`);
  const headerEnd = answer.indexOf('\r\n');
  const header = /^VALUE (\S+) (\d+) (\d+)/.exec(answer.subarray(0, headerEnd).toString('latin1'));
  if (header === null) return undefined;
  const length = Number(header[3]);
  return { flags: Number(header[2]), data: answer.subarray(headerEnd + 2, headerEnd + 2 + length) };
}

/** The server's `stats` as a record of strings. */
export async function rawStats(address: string): Promise<Record<string, string>> {
  const answer = (await rawExchange(address, 'stats\r\n')).toString('utf8');
  const stats: Record<string, string> = {};
  for (const line of answer.split('\r\n')) {
    const match = /^STAT (\S+) (.*)$/.exec(line);
    if (match) stats[match[1] as string] = match[2] as string;
  }
  return stats;
}

/** `host:port` as a host and a port number. */
function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), Number(address.slice(index + 1))];
}
