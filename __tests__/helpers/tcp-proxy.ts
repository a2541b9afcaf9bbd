/**
 * A small TCP proxy for fault tests, placed between the library and a real server on loopback.
 * Its mode can change at any time and applies to open connections as well as new ones:
 * pass bytes through, delay them (with jitter, order kept), hold them (a frozen server: answered
 * in order when the mode changes), black-hole them, reset every connection, or close each
 * connection after the first reply.
 *
 * Fault tests freeze a server here rather than with SIGSTOP: a stopped server is continued by any
 * SIGCONT that reaches it (a CPU limiter, or the kernel's for an orphaned process group), and
 * loaded CI runs saw frozen servers answer.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { TEST_HOST } from '../setup/servers';

/** What the proxy does with the bytes it sees. */
export type ProxyMode =
  | { readonly kind: 'pass' }
  | { readonly kind: 'delay'; readonly ms: number; readonly jitterMs: number }
  | { readonly kind: 'hold' }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'close-after-first-reply' };

/** A delayed chunk and when it is due (ms since the epoch). */
interface Queued {
  readonly due: number;
  readonly chunk: Buffer;
}

/** One client connection and its connection to the server. */
interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Delayed chunks of each direction, in order, each with the time it is due. */
  readonly queueUp: Queued[];
  readonly queueDown: Queued[];
  /** Chunks of each direction held while the mode is `hold`, in order. */
  readonly heldUp: Buffer[];
  readonly heldDown: Buffer[];
  replied: boolean;
  /** Bytes were black-holed: the protocol on this connection is out of step for good. */
  broken: boolean;
}

/** A proxy listening on a free loopback port, forwarding to `targetPort`. */
export class TcpProxy {
  readonly port: number;
  readonly #server: Server;
  readonly #targetPort: number;
  readonly #pairs = new Set<Pair>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #mode: ProxyMode = { kind: 'pass' };
  #accepted = 0;

  private constructor(server: Server, port: number, targetPort: number) {
    this.#server = server;
    this.port = port;
    this.#targetPort = targetPort;
    server.on('connection', (client) => this.#accept(client));
  }

  /** Starts a proxy to `127.0.0.1:targetPort` on a free port. */
  static start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, TEST_HOST, () => {
        const address = server.address();
        if (typeof address !== 'object' || address === null) {
          reject(new Error('the proxy has no port'));
          return;
        }
        resolve(new TcpProxy(server, address.port, targetPort));
      });
    });
  }

  /** `127.0.0.1:port`, to give to a client instead of the server's address. */
  get address(): string {
    return `${TEST_HOST}:${this.port}`;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.#pairs.size;
  }

  /** Connections accepted since the start. */
  get acceptedConnections(): number {
    return this.#accepted;
  }

  get mode(): ProxyMode {
    return this.#mode;
  }

  /** Forwards bytes as they come. */
  pass(): this {
    return this.#set({ kind: 'pass' });
  }

  /** Holds each chunk for `ms` plus a random part of `jitterMs` (both directions; order kept). */
  delay(ms: number, jitterMs = 0): this {
    return this.#set({ kind: 'delay', ms, jitterMs });
  }

  /**
   * Accepts connections and bytes and forwards nothing until the mode changes, like a frozen
   * server (SIGSTOP): then what was held goes on in order, requests first, and is answered.
   */
  hold(): this {
    return this.#set({ kind: 'hold' });
  }

  /**
   * Accepts connections and bytes but forwards nothing, like a frozen network. Connections that
   * lost bytes are reset when the mode changes again (their requests and replies are out of step).
   */
  blackhole(): this {
    return this.#set({ kind: 'blackhole' });
  }

  /** Resets every open connection (TCP RST) and every new one as soon as it is accepted. */
  reset(): this {
    this.#set({ kind: 'reset' });
    for (const pair of [...this.#pairs]) this.#drop(pair, true);
    return this;
  }

  /** Lets each connection carry one reply from the server, then closes it. */
  closeAfterFirstReply(): this {
    return this.#set({ kind: 'close-after-first-reply' });
  }

  /** Closes every connection and stops listening; pending delayed chunks are dropped. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const pair of [...this.#pairs]) this.#drop(pair, false);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #set(mode: ProxyMode): this {
    this.#mode = mode;
    if (mode.kind !== 'hold') for (const pair of this.#pairs) this.#release(pair);
    // A connection that lost bytes would pair later replies with the wrong requests; a real
    // network that drops bytes breaks the connection too, so such connections are reset.
    if (mode.kind !== 'blackhole') {
      for (const pair of [...this.#pairs]) if (pair.broken) this.#drop(pair, true);
    }
    return this;
  }

  #accept(client: Socket): void {
    this.#accepted += 1;
    if (this.#mode.kind === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: TEST_HOST, port: this.#targetPort });
    const pair: Pair = { client, upstream, queueUp: [], queueDown: [], heldUp: [], heldDown: [], replied: false, broken: false };
    this.#pairs.add(pair);
    client.on('data', (chunk: Buffer) => this.#forward(pair, chunk, 'up'));
    upstream.on('data', (chunk: Buffer) => this.#forward(pair, chunk, 'down'));
    const drop = () => this.#drop(pair, false);
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  }

  #forward(pair: Pair, chunk: Buffer, direction: 'up' | 'down'): void {
    const mode = this.#mode;
    const to = direction === 'up' ? pair.upstream : pair.client;
    switch (mode.kind) {
      case 'hold':
        (direction === 'up' ? pair.heldUp : pair.heldDown).push(chunk);
        return;
      case 'blackhole':
        pair.broken = true;
        return;
      case 'reset':
        this.#drop(pair, true);
        return;
      case 'pass':
        // Chunks still held from a delay go first.
        if ((direction === 'up' ? pair.queueUp : pair.queueDown).length > 0) this.#later(pair, chunk, direction, 0);
        else to.write(chunk);
        return;
      case 'close-after-first-reply':
        to.write(chunk);
        if (direction === 'down' && !pair.replied) {
          pair.replied = true;
          pair.client.end();
          pair.upstream.end();
        }
        return;
      case 'delay':
        this.#later(pair, chunk, direction, mode.ms + Math.random() * mode.jitterMs);
    }
  }

  /** Sends on what `pair` held, in order, through the current mode (a server thawing answers its queue). */
  #release(pair: Pair): void {
    const up = pair.heldUp.splice(0);
    const down = pair.heldDown.splice(0);
    for (const chunk of up) this.#forward(pair, chunk, 'up');
    for (const chunk of down) this.#forward(pair, chunk, 'down');
  }

  /**
   * Queues `chunk` to be written after `waitMs`, behind every chunk queued before it in the same
   * direction: one timer per direction at a time, so that chunks never overtake one another.
   */
  #later(pair: Pair, chunk: Buffer, direction: 'up' | 'down', waitMs: number): void {
    const queue = direction === 'up' ? pair.queueUp : pair.queueDown;
    const previous = queue.at(-1)?.due ?? 0;
    queue.push({ due: Math.max(previous, Date.now() + waitMs), chunk });
    if (queue.length === 1) this.#schedule(pair, direction);
  }

  #schedule(pair: Pair, direction: 'up' | 'down'): void {
    const queue = direction === 'up' ? pair.queueUp : pair.queueDown;
    const head = queue[0];
    if (head === undefined) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#pairs.has(pair)) return;
      const to = direction === 'up' ? pair.upstream : pair.client;
      while (queue[0] !== undefined && queue[0].due <= Date.now()) to.write((queue.shift() as Queued).chunk);
      this.#schedule(pair, direction);
    }, Math.max(0, head.due - Date.now()));
    this.#timers.add(timer);
  }

  #drop(pair: Pair, reset: boolean): void {
    if (!this.#pairs.delete(pair)) return;
    for (const socket of [pair.client, pair.upstream]) {
      if (socket.destroyed) continue;
      if (reset && socket.readyState !== 'opening') socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
