/**
 * Keeps a near cache's tracking on every master of a Redis Cluster: after each topology refresh
 * of the ioredis client (at start, on MOVED, every `TOPOLOGY_CHECK_MS`) and each node added or removed, the
 * masters and their slots are compared with those tracked; any change (a failover, a slot
 * migration, a node added) re-establishes every link, which clears the near cache first.
 */
import type { Cluster } from 'ioredis';
import type { Coherence } from './tracking-coherence';

/**
 * Milliseconds between two topology refreshes asked by the near cache. Near hits send nothing, so
 * no MOVED reply would tell the client that slots moved to a node nobody tracks; this bounds how
 * long such a change goes unseen.
 */
export const TOPOLOGY_CHECK_MS = 5000;

/** Watches `cluster`'s topology for `coherence`; returns the function that stops watching. */
export function watchTopology(cluster: Cluster, coherence: Coherence): () => void {
  let known = '';
  const check = (): void => {
    const topology = topologyOf(cluster);
    if (topology === known || cluster.nodes('master').length === 0) return;
    const first = known === '';
    known = topology;
    coherence.watch(cluster.nodes('master'), first ? 'tracking started' : 'the cluster topology changed');
  };
  const events = ['refresh', '+node', '-node', 'ready'] as const;
  for (const event of events) cluster.on(event, check);
  if (cluster.status === 'ready') check();
  const timer = setInterval(() => {
    if (cluster.status === 'ready') cluster.refreshSlotsCache();
  }, TOPOLOGY_CHECK_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const event of events) cluster.off(event, check);
  };
}

/** The masters and which slots each serves, as text: equal texts, same topology. */
function topologyOf(cluster: Cluster): string {
  const masters = cluster
    .nodes('master')
    .map((node) => `${node.options.host ?? ''}:${node.options.port ?? ''}`)
    .sort();
  const ranges: string[] = [];
  let owner: string | undefined;
  cluster.slots.forEach((nodes, slot) => {
    const master = nodes?.[0];
    if (master !== owner) {
      ranges.push(`${slot}=${master ?? '-'}`);
      owner = master;
    }
  });
  return `${masters.join(',')}|${ranges.join(',')}`;
}
