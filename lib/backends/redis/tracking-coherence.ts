/**
 * Trusts a near tier while every tracking link is up (one per node: a stand-alone Redis, or
 * every master of a Cluster), bypasses it as soon as one is down, and turns the stored keys that
 * Redis pushes into the tier's cache keys.
 */
import type { Redis } from 'ioredis';
import type { NearTier } from '../near/near-tier';
import { reportLinkChange } from '../shared/link-events';
import { TrackingLink } from './tracking-link';

/** How the links are set up and reported. */
export interface CoherenceSettings {
  /** The stored-key prefix watched (`keyPrefix` + `prefix:`, or '' for every key). */
  readonly watched: string;
  /** The backend, in events: `RedisCache(shop)`. */
  readonly label: string;
  /** How long a link waits for an answer before it counts as down. */
  readonly answerMs: number;
  /** Told when a link goes down (a Cluster refreshes its topology). */
  readonly onDown?: () => void;
}

export class Coherence {
  readonly #tier: NearTier;
  readonly #settings: CoherenceSettings;
  #links: TrackingLink[] = [];
  readonly #up = new Set<TrackingLink>();
  #trusted = false;
  /** Whether the last change reported was a bypass: a link that keeps failing is reported once, also before it was ever up. */
  #bypassReported = false;

  constructor(tier: NearTier, settings: CoherenceSettings) {
    this.#tier = tier;
    this.#settings = settings;
  }

  /** Links to `nodes`, replacing any earlier ones (the tier is cleared and bypassed until all are up). */
  watch(nodes: readonly Redis[], why = 'the nodes changed'): void {
    const old = this.#links;
    this.#links = [];
    this.#up.clear();
    for (const link of old) void link.close();
    if (old.length > 0) this.#lost(why);
    const { watched, answerMs, onDown } = this.#settings;
    for (const node of nodes) {
      const link: TrackingLink = new TrackingLink({
        node,
        prefix: watched,
        answerMs,
        mustBeMaster: onDown !== undefined,
        listener: {
          up: () => this.#linkUp(link),
          down: (reason) => {
            if (!this.#links.includes(link)) return;
            this.#up.delete(link);
            this.#lost(reason);
            onDown?.();
          },
          changed: (storedKeys) => this.#tier.invalidate(storedKeys === null ? null : this.#cacheKeys(storedKeys)),
        },
      });
      this.#links.push(link);
    }
    for (const link of this.#links) link.start();
  }

  async close(): Promise<void> {
    const links = this.#links;
    this.#links = [];
    await Promise.all(links.map((link) => link.close()));
  }

  #linkUp(link: TrackingLink): void {
    if (!this.#links.includes(link)) return;
    this.#up.add(link);
    if (this.#trusted || this.#up.size < this.#links.length) return;
    this.#trusted = true;
    this.#bypassReported = false;
    this.#tier.trust();
    this.#report('near-cache-restored', 'client tracking is on');
  }

  /** A link is down or replaced: cleared even when already bypassed, since nothing read before the link is back may be kept. */
  #lost(reason: string): void {
    this.#tier.bypass();
    this.#trusted = false;
    if (this.#bypassReported) return;
    this.#bypassReported = true;
    this.#report('near-cache-bypassed', reason);
  }

  #cacheKeys(storedKeys: readonly string[]): string[] {
    const head = this.#settings.watched;
    return storedKeys.filter((key) => key.startsWith(head)).map((key) => key.slice(head.length));
  }

  #report(type: 'near-cache-bypassed' | 'near-cache-restored', reason: string): void {
    const { label, watched } = this.#settings;
    reportLinkChange({ type, backend: label, prefix: watched, reason });
  }
}
