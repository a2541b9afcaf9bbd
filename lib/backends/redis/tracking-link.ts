/**
 * One Redis node's coherence link for a near cache: two connections of our own, duplicated from
 * the node's client. The subscriber listens on `__redis__:invalidate`; the tracker turns on client
 * tracking in broadcast mode over the prefix, redirected to the subscriber. Then every change of
 * a key under the prefix, by any client, is pushed to us, and a FLUSHALL as a message without keys.
 *
 * The traps it avoids: the server sends nothing to a subscriber that has not subscribed yet, so
 * tracking is turned on only after the SUBSCRIBE is acknowledged; if the tracker's connection
 * drops, the server stops pushing and says nothing (redis/redis#11767), and if the subscriber's
 * drops, the redirect is broken; so both connections are watched ('close'), and pinged
 * (`PING` on the subscriber, `CLIENT TRACKINGINFO` on the tracker, which also shows a broken
 * redirect). Any failure ends both connections and starts a new pair after a pause: ioredis's own
 * reconnection would bring back connections without tracking or with a stale redirect.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { withBound } from '../../shared/bound';

/** The channel on which Redis pushes invalidations to a RESP2 connection. */
const INVALIDATE_CHANNEL = '__redis__:invalidate';
/** Milliseconds between two checks that both connections answer and tracking is on. */
export const LINK_PING_MS = 1000;
/** Pause before a new pair of connections after a failure: doubles from 100 ms up to 2 s. */
const RETRY_MS = [100, 200, 400, 800, 1600, 2000];

/** Who hears from a link. */
export interface LinkListener {
  /** Tracking is on: every later change under the prefix will be pushed. */
  up(): void;
  /** Tracking is off or may be (`why` in words); pushes may have been lost. */
  down(why: string): void;
  /** Stored keys changed, or (`null`) everything was flushed. */
  changed(storedKeys: readonly string[] | null): void;
}

/** What a link needs: the node to duplicate, the stored-key prefix to watch ('' = every key), how long to wait for an answer. */
export interface LinkSettings {
  readonly node: Redis;
  readonly prefix: string;
  readonly answerMs: number;
  /** A Cluster's link: the node must still be a master (after a failover it is not, and writes go elsewhere). */
  readonly mustBeMaster: boolean;
  readonly listener: LinkListener;
}

interface Pair {
  readonly subscriber: Redis;
  readonly tracker: Redis;
}

/** See the module comment. `start()` connects; `close()` ends it for good. */
export class TrackingLink {
  readonly #settings: LinkSettings;
  #pair: Pair | undefined;
  /** Bumped by each new pair and each failure, so that events of an old pair are ignored. */
  #generation = 0;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(settings: LinkSettings) {
    this.#settings = settings;
  }

  start(): void {
    void this.#establish();
  }

  /** Ends both connections and every timer; nothing is reported after it. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#generation++;
    clearTimeout(this.#timer);
    const pair = this.#pair;
    this.#pair = undefined;
    if (pair) await Promise.all([endQuietly(pair.subscriber), endQuietly(pair.tracker)]);
  }

  async #establish(): Promise<void> {
    const generation = ++this.#generation;
    const { node, answerMs, listener } = this.#settings;
    const pair: Pair = { subscriber: duplicate(node, 'subscriber', answerMs), tracker: duplicate(node, 'tracker', answerMs) };
    this.#pair = pair;
    for (const [name, connection] of Object.entries(pair) as [string, Redis][]) {
      connection.on('error', ignore);
      connection.on('close', () => this.#fail(generation, `the ${name} connection closed`));
    }
    pair.subscriber.on('messageBuffer', (_channel: Buffer, message: unknown) => {
      if (generation === this.#generation) listener.changed(storedKeysOf(message));
    });
    try {
      await withBound(Promise.all([pair.subscriber.connect(), pair.tracker.connect()]), answerMs);
      const id = await withBound(pair.subscriber.client('ID'), answerMs);
      // Subscribed first: the server drops invalidations for a connection that is not subscribed.
      await withBound(pair.subscriber.subscribe(INVALIDATE_CHANNEL), answerMs);
      await withBound(pair.tracker.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id), 'BCAST', ...this.#prefixArguments()), answerMs);
    } catch (error) {
      this.#fail(generation, `tracking could not be set up: ${messageOf(error)}`);
      return;
    }
    if (generation !== this.#generation) return;
    this.#failures = 0;
    listener.up();
    this.#schedule(generation, () => this.#check(generation), LINK_PING_MS);
  }

  #prefixArguments(): string[] {
    return this.#settings.prefix === '' ? [] : ['PREFIX', this.#settings.prefix];
  }

  /** Both connections answer, and the tracker still tracks into a live redirect; else the link fails. */
  async #check(generation: number): Promise<void> {
    const pair = this.#pair;
    if (!pair || generation !== this.#generation) return;
    const { answerMs } = this.#settings;
    try {
      const role = this.#settings.mustBeMaster ? pair.tracker.call('ROLE') : Promise.resolve(['master']);
      const [, info, roles] = await withBound(Promise.all([pair.subscriber.ping(), pair.tracker.call('CLIENT', 'TRACKINGINFO'), role]), answerMs);
      const broken = trackingProblem(info) ?? (Array.isArray(roles) && String(roles[0]) === 'master' ? undefined : 'the node is no longer a master');
      if (broken) throw new Error(broken);
    } catch (error) {
      this.#fail(generation, `the link did not answer its check within ${answerMs} ms: ${messageOf(error)}`);
      return;
    }
    this.#schedule(generation, () => this.#check(generation), LINK_PING_MS);
  }

  /** The pair of `generation` failed: reported once, both connections ended, a new pair after a pause. */
  #fail(generation: number, why: string): void {
    if (generation !== this.#generation || this.#closed) return;
    this.#generation++;
    const pair = this.#pair;
    this.#pair = undefined;
    if (pair) {
      pair.subscriber.disconnect();
      pair.tracker.disconnect();
    }
    this.#settings.listener.down(why);
    const pause = RETRY_MS[Math.min(this.#failures, RETRY_MS.length - 1)] as number;
    this.#failures++;
    this.#schedule(this.#generation, () => this.#establish(), pause);
  }

  #schedule(generation: number, run: () => Promise<void>, ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (generation === this.#generation && !this.#closed) void run();
    }, ms);
    // A link must never keep a process alive.
    this.#timer.unref();
  }
}

/** A connection of the link: no reconnection, no queue while offline, no key prefix, named for `CLIENT LIST`. */
function duplicate(node: Redis, role: string, answerMs: number): Redis {
  const options: Partial<RedisOptions> = {
    lazyConnect: true,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    autoResubscribe: false,
    enableOfflineQueue: false,
    enableAutoPipelining: false,
    maxRetriesPerRequest: 0,
    keyPrefix: undefined,
    connectTimeout: Math.max(answerMs, 1000),
    connectionName: `easy-cache:near-${role}`,
  };
  return node.duplicate(options);
}

/** The stored keys of an invalidation message: a list of keys, or `null` for a flush. */
function storedKeysOf(message: unknown): readonly string[] | null {
  if (message === null || message === undefined) return null;
  if (Array.isArray(message)) return message.map((key: unknown) => String(key));
  // A PUBLISH on the channel by someone else carries one string; read it as one key.
  return [String(message)];
}

/** What is wrong with a `CLIENT TRACKINGINFO` reply, or `undefined` when tracking is on into a live redirect. */
function trackingProblem(info: unknown): string | undefined {
  if (!Array.isArray(info)) return 'CLIENT TRACKINGINFO gave no list';
  const flags = info[info.findIndex((item: unknown) => String(item) === 'flags') + 1];
  const names = Array.isArray(flags) ? flags.map(String) : [];
  if (!names.includes('on')) return 'tracking is off';
  if (names.includes('broken_redirect')) return 'the redirect of tracking is broken';
  return undefined;
}

async function endQuietly(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  const ended = new Promise<void>((resolve) => connection.once('end', resolve));
  connection.disconnect();
  await withBound(ended, 1000).catch(ignore);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const ignore = (): void => undefined;
