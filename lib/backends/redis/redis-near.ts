/**
 * The near cache of `RedisCache` (SPEC 11.6): a `NearTier` over a plain `RedisCache` on the same
 * client, kept coherent by a `TrackingLink` per node (every master of a Cluster). The near cache
 * is trusted only while every link is up; a link that goes down clears it, and it is bypassed
 * until that link is up again.
 */
import { BackendError } from '../../errors';
import { NearTier, type LivedValue, type NearSource } from '../near/near-tier';
import { nearMethods } from '../near/near-methods';
import type { ResolvedNearCacheOptions } from '../near/near-options';
import { Codec } from '../shared/codec';
import { reportKeysChanged } from '../shared/link-events';
import type { Serializer } from '../../serializer/serializer';
import { isClusterClient, type RedisClient } from './redis-client';
import { keyBuilder, safeKey } from './redis-keys';
import { Coherence } from './tracking-coherence';
import { watchTopology } from './cluster-topology';

/** The remote side of the near tier: a `RedisCache` without a near cache, and what it was built with. */
export interface RedisRemote {
  readonly backend: NearSource['remote'] & { readonly client: RedisClient; readonly prefix: string | undefined };
  readonly serializer: Serializer;
  readonly defaultTimeout: number | null;
  /** The `RedisCache` the core knows: keys pushed are reported under it, to fence its computations. */
  readonly owner: object;
}

/** A near tier over `remote`, with its links started and its calls installed on `remote.owner` (see near-methods.ts). */
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
  tier.onInvalidate((keys) => reportKeysChanged(remote.owner, keys));
  const watched = `${keyPrefixOf(client)}${backend.prefix === undefined ? '' : `${backend.prefix}:`}`;
  const label = backend.prefix === undefined ? 'RedisCache' : `RedisCache(${backend.prefix})`;
  const answerMs = Math.max((backend.backendTimeoutMs ?? 250) * 4, 1000);
  if (isClusterClient(client)) {
    // A link that fails may be on a node that is no longer a master: the client must look again.
    const coherence = new Coherence(tier, { watched, label, answerMs, onDown: () => client.refreshSlotsCache() });
    const stop = watchTopology(client, coherence);
    tier.onClose(() => (stop(), coherence.close()));
  } else {
    const coherence = new Coherence(tier, { watched, label, answerMs });
    coherence.watch([client]);
    tier.onClose(() => coherence.close());
  }
  Object.assign(remote.owner, nearMethods(tier, true));
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
