import type { ConnectionWatch } from '../shared/connection-watch';
import type { MemcachedClient } from './memcached-client';

/** The event side of a `memcached` client (not in `MemcachedClient`: a hand-made client may lack it). */
interface ClientEvents {
  on?(event: string, listener: (details: unknown) => void): unknown;
  off?(event: string, listener: (details: unknown) => void): unknown;
}

/**
 * Listens to the client's connection problems (`issue`: one failed connection; `failure`: a
 * server given up) and to a server coming back (`reconnect`), for `watch`; returns what removes
 * the listeners, so that a client passed in is left as it was found. A client without events
 * (a hand-made one) is left alone.
 */
export function watchMemcachedConnection(client: MemcachedClient, watch: ConnectionWatch): () => void {
  const events = client as unknown as ClientEvents;
  if (typeof events.on !== 'function' || typeof events.off !== 'function') return () => undefined;
  const onProblem = (details: unknown) => {
    const problem = issueText(details);
    // The client reports a SERVER_ERROR answer as an issue too; it is about the item, not the connection.
    if (!ITEM_REFUSALS.test(problem.message)) watch.failed(problem);
  };
  const onBack = () => watch.connected();
  events.on('issue', onProblem);
  events.on('failure', onProblem);
  events.on('reconnect', onBack);
  return () => {
    events.off?.('issue', onProblem);
    events.off?.('failure', onProblem);
    events.off?.('reconnect', onBack);
  };
}

/** The SERVER_ERROR texts with which memcached refuses an item (too large, or no memory to store it). */
const ITEM_REFUSALS = /^(object too large for cache|out of memory storing object)/;

/** The client's last message about a server (`Error: connect ECONNREFUSED 127.0.0.1:11211`), as an error. */
function issueText(details: unknown): Error {
  const { server, messages } = (details ?? {}) as { server?: unknown; messages?: unknown };
  const last = Array.isArray(messages) && messages.length > 0 ? String(messages[messages.length - 1]) : `server ${String(server)} has a connection problem`;
  return new Error(last.replace(/^Error: /, ''));
}
