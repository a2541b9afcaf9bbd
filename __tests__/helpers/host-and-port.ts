/** A `host:port` server address (as the global set-up gives them) as ioredis connection options. */
export function hostAndPort(address: string): { host: string; port: number } {
  const [host, port = '0'] = address.split(':');
  return { host: host || '127.0.0.1', port: Number(port) };
}
