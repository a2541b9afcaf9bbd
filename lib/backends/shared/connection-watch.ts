/**
 * What a backend knows about its client's connection: the last connection error, said as the
 * client said it (`connect ECONNREFUSED 127.0.0.1:6379`), so that a call that got no answer can
 * name the cause; and the reporting of those errors through easy-cache's own reporting (rate
 * limited), instead of a client printing them (ioredis prints "Unhandled error event" with a stack
 * trace for each reconnection attempt of a client that has no `error` listener).
 */
import { BackendError } from '../../errors';
import { reportBackendProblem } from '../../shared/problem-sink';

/** The same connection error is reported again at most this often while it lasts. */
export const CONNECTION_REPORT_EVERY_MS = 30_000;
/** Another connection error is reported at most this often. */
const CHANGED_CAUSE_AFTER_MS = 5000;
/** A connection error older than this, with none since, no longer explains a failed call. */
const CURRENT_FOR_MS = 10_000;

/**
 * Watches one backend's client. The backend calls `failed` for each connection error the client
 * emits and `connected` when the client is ready again.
 * @example const watch = new ConnectionWatch('RedisCache', 'Redis', this); client.on('error', watch.failed);
 */
export class ConnectionWatch {
  readonly #backend: string;
  readonly #server: string;
  readonly #source: object;
  #problem: string | undefined;
  #problemAt = 0;
  #reported: string | undefined;
  #reportedAt = 0;
  #stopped = false;

  /**
   * @param backend - the backend's name in messages: `RedisCache`.
   * @param server - what it connects to: `Redis`.
   * @param source - the backend object: reports are rate-limited per backend.
   */
  constructor(backend: string, server: string, source: object) {
    this.#backend = backend;
    this.#server = server;
    this.#source = source;
  }

  /** Records a connection error and reports it: once, again when the cause changes (at most every 5 s), and at most every 30 s while it lasts. */
  readonly failed = (error: unknown): void => {
    if (this.#stopped) return;
    const text = clientErrorText(error);
    const now = Date.now();
    this.#problem = text;
    this.#problemAt = now;
    const since = now - this.#reportedAt;
    // The same cause again within 30 s, or another one within 5 s (a Cluster's nodes take turns), is not reported.
    if (since < (text === this.#reported ? CONNECTION_REPORT_EVERY_MS : CHANGED_CAUSE_AFTER_MS)) return;
    this.#reported = text;
    this.#reportedAt = now;
    const message = `${this.#backend}: cannot reach ${this.#server}: ${text}; calls run uncached until it answers again`;
    reportBackendProblem({
      error: new BackendError(message, { operation: 'connect', cause: error }),
      operation: 'connect',
      backend: this.#backend,
      source: this.#source,
    });
  };

  /** The client is connected again: earlier errors explain nothing any more, and a new one is reported at once. */
  readonly connected = (): void => {
    this.#problem = undefined;
    this.#reported = undefined;
    this.#reportedAt = 0;
  };

  /** The backend is closed: errors the client emits while it closes are not reported. */
  stop(): void {
    this.#stopped = true;
    this.#problem = undefined;
  }

  /**
   * The current connection error with the client's words (`cannot reach Redis: connect
   * ECONNREFUSED 127.0.0.1:6379`), or `undefined` while none is current (see `CacheInstance.connectionProblem`).
   */
  get problem(): string | undefined {
    if (this.#problem === undefined) return undefined;
    if (Date.now() - this.#problemAt > CURRENT_FOR_MS) {
      this.#problem = undefined;
      return undefined;
    }
    return `cannot reach ${this.#server}: ${this.#problem}`;
  }
}

/**
 * The message of a client error: Node's `AggregateError` of a connection tried on several
 * addresses has an empty message of its own, and the `memcached` client reports text such as
 * `Error: connect ECONNREFUSED ...`; an ioredis Cluster error carries the last node's error.
 */
export function clientErrorText(error: unknown): string {
  const found = error as { message?: unknown; errors?: unknown; lastNodeError?: unknown } | null;
  let text = typeof found?.message === 'string' ? found.message : String(error);
  if (text === '' && Array.isArray(found?.errors)) text = [...new Set(found.errors.map(clientErrorText))].join('; ');
  if (found?.lastNodeError !== undefined && found.lastNodeError !== null) text = `${text} (last node error: ${clientErrorText(found.lastNodeError)})`;
  return text.replace(/^Error: /, '');
}
