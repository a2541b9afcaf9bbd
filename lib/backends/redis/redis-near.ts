/**
 * The near cache of `RedisCache` (SPEC 11.6): a `NearTier` over a plain `RedisCache` on the same
 * client, kept coherent by a `TrackingLink` per node (every master of a Cluster). The near cache
 * is trusted only while every link is up; a link that goes down clears it, and it is bypassed
 * until that link is up again.
 */
import type { Redis } from 'ioredis';
import { BackendError } from '../../errors';
import { NearTier, type LivedValue, type NearSource } from '../near/near-tier';
import type { ResolvedNearCacheOptions } from '../near/near-options';
import { reportLinkChange } from '../shared/link-events';
import { Codec } from '../shared/codec';
import type { Serializer } from '../../serializer/serializer';
import { isClusterClient, type RedisClient } from './redis-client';
import { keyBuilder, safeKey } from './redis-keys';
import { TrackingLink } from './tracking-link';

/** The remote side of the near tier: a `RedisCache` without a near cache, and what it was built with. */
export interface RedisRemote {
  readonly backend: NearSource['remote'] & { readonly client: RedisClient; readonly prefix: string | undefined };
  readonly serializer: Serializer;
  readonly defaultTimeout: number | null;
}

/** A near tier over `remote`, with its links started. */
export function redisNearTier(remote: RedisRemote, options: ResolvedNearCacheOptions): NearTier {
  const { backend } = remote;
  const client = backend.client;
  const storedKey = keyBuilder(backend.prefix);
  const codec = new Codec('RedisCache', remote.serializer);
  const source: NearSource = {
    remote: backend,
    maxLifeMs: Infinity,
    defaultTimeout: remote.defaultTimeout,
    serializer: remote.serializer,
    keepable: (key) => safeKey(key) === key,
    readWithLife: (keys) => readWithLife(client, keys, storedKey, codec),
  };
  const tier = new NearTier(source, options, false);
  const watched = `${keyPrefixOf(client)}${backend.prefix === undefined ? '' : `${backend.prefix}:`}`;
  const label = backend.prefix === undefined ? 'RedisCache' : `RedisCache(${backend.prefix})`;
  const coherence = new Coherence(tier, watched, label);
  const nodes: Redis[] = isClusterClient(client) ? client.nodes('master') : [client];
  coherence.watch(nodes, backend.backendTimeoutMs ?? 250);
  tier.onClose(() => coherence.close());
  return tier;
}

/** GET and PTTL of every key, sent together (PTTL right after its GET on the same connection). */
async function readWithLife(client: RedisClient, keys: readonly string[], storedKey: (key: string) => string, codec: Codec): Promise<Map<string, LivedValue>> {
  const stored = keys.map(storedKey);
  let texts: (string | null)[];
  let lives: number[];
  try {
    [texts, lives] = await Promise.all([Promise.all(stored.map((key) => client.get(key))), Promise.all(stored.map((key) => client.pttl(key)))]);
  } catch (error) {
    throw new BackendError(`RedisCache.get for "${keys[0] ?? ''}" failed: ${(error as Error).message}`, { operation: 'get', key: keys[0], cause: error });
  }
  const found = new Map<string, LivedValue>();
  keys.forEach((key, index) => {
    const text = texts[index];
    if (text === null || text === undefined) return;
    const life = lives[index] ?? -2;
    // -1: no expiry; -2: gone since the GET (the push of that is on its way): not kept.
    found.set(key, { value: codec.decode(key, text), lifeMs: life === -1 ? null : Math.max(life, 0) });
  });
  return found;
}

/** The `keyPrefix` ioredis puts before every key the client sends. */
function keyPrefixOf(client: RedisClient): string {
  const options = (isClusterClient(client) ? client.options.redisOptions : client.options) as { keyPrefix?: string } | undefined;
  return options?.keyPrefix ?? '';
}

/** Trusts the tier while every link is up; turns pushed stored keys into cache keys. */
class Coherence {
  readonly #tier: NearTier;
  readonly #watched: string;
  readonly #label: string;
  readonly #links: TrackingLink[] = [];
  readonly #up = new Set<TrackingLink>();
  #trusted = false;

  constructor(tier: NearTier, watched: string, label: string) {
    this.#tier = tier;
    this.#watched = watched;
    this.#label = label;
  }

  watch(nodes: readonly Redis[], answerMs: number): void {
    for (const node of nodes) {
      const link: TrackingLink = new TrackingLink({
        node,
        prefix: this.#watched,
        answerMs: Math.max(answerMs * 4, 1000),
        listener: {
          up: () => this.#linkUp(link),
          down: (why) => this.#linkDown(link, why),
          changed: (storedKeys) => this.#tier.invalidate(storedKeys === null ? null : this.#cacheKeys(storedKeys)),
        },
      });
      this.#links.push(link);
    }
    for (const link of this.#links) link.start();
  }

  async close(): Promise<void> {
    await Promise.all(this.#links.map((link) => link.close()));
  }

  #linkUp(link: TrackingLink): void {
    this.#up.add(link);
    if (this.#trusted || this.#up.size < this.#links.length) return;
    this.#trusted = true;
    this.#tier.trust();
    this.#report('near-cache-restored', 'client tracking is on');
  }

  #linkDown(link: TrackingLink, why: string): void {
    this.#up.delete(link);
    // Cleared even when already bypassed: nothing read before the link is back may be kept.
    this.#tier.bypass();
    if (!this.#trusted) return;
    this.#trusted = false;
    this.#report('near-cache-bypassed', why);
  }

  #cacheKeys(storedKeys: readonly string[]): string[] {
    const head = this.#watched;
    return storedKeys.filter((key) => key.startsWith(head)).map((key) => key.slice(head.length));
  }

  #report(type: 'near-cache-bypassed' | 'near-cache-restored', reason: string): void {
    reportLinkChange({ type, backend: this.#label, prefix: this.#watched, reason });
  }
}
