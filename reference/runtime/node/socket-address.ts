/** How socket addresses appear in the runtime and its trace. */

import type { SocketAddress } from '../../../spec/runtime.ts';

/** `::ffff:10.0.0.1` is an IPv4 client seen through a dual-stack socket; factories count it as `10.0.0.1`. */
export function plainHost(host: string | undefined): string {
  if (!host) return '0.0.0.0';
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice('::ffff:'.length) : host;
}

/** `ip:port`, with IPv6 hosts bracketed so the port stays unambiguous. */
export function formatAddress(address: SocketAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
