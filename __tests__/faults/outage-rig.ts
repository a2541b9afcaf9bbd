/**
 * The servers of an outage test file: a server of its own (never a shared one) with a TCP proxy in
 * front, started before the file's tests and stopped after them, with the backends the tests made
 * closed first; after each test the proxy passes bytes again and no rejection went unhandled.
 */
import type { BreakerOption } from '../../lib';
import { remoteBackend, type RemoteBackend } from '../helpers/backends-under-test';
import { ControlledServer } from '../helpers/server-control';
import { uniquePrefix } from '../helpers/server-suites';
import { TcpProxy } from '../helpers/tcp-proxy';
import { watchUnhandledRejections, type RemoteKind } from './fault-kit';

/** What an outage test reaches: the server, the proxy, and a way to build backends closed for it. */
export interface OutageRig {
  readonly server: ControlledServer;
  readonly proxy: TcpProxy;
  /** A backend of the rig's kind on `address` (the server's or the proxy's), closed after the file's tests. */
  backendOn(address: string, options: { backendTimeoutMs: number; breaker?: BreakerOption }): RemoteBackend;
}

/** Registers the hooks of an outage rig for `kind` in the current `describe`; `label` names the key prefixes. */
export function useOutageRig(kind: RemoteKind, label: string): OutageRig {
  let server: ControlledServer | undefined;
  let proxy: TcpProxy | undefined;
  const backends: RemoteBackend[] = [];
  const unhandled = watchUnhandledRejections();

  beforeAll(async () => {
    server = await ControlledServer.start(kind);
    proxy = await TcpProxy.start(server.port);
  });

  afterEach(() => {
    proxy?.pass();
    expect(unhandled.seen).toEqual([]);
  });

  afterAll(async () => {
    unhandled.stop();
    await Promise.all(backends.map((backend) => backend.close()));
    await proxy?.close();
    await server?.stop();
  });

  return {
    get server() {
      if (!server) throw new Error('the outage rig is used before its beforeAll');
      return server;
    },
    get proxy() {
      if (!proxy) throw new Error('the outage rig is used before its beforeAll');
      return proxy;
    },
    backendOn(address, options) {
      const backend = remoteBackend(kind, address, { prefix: uniquePrefix(`${label}-${kind}`), ...options });
      backends.push(backend);
      return backend;
    },
  };
}
