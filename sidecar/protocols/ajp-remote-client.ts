/**
 * The client an AJP request names (ADR 52). The proxy that forwards a request over AJP (Apache's mod_proxy_ajp,
 * mod_jk, nginx's ajp module) writes the address that connected to it into the FORWARD_REQUEST's `remote_addr`, and
 * passes the request's forwarding headers on as it received them, adding none. So `remote_addr` is the nearest hop of
 * the chain and the headers' hops come before it: the client is `remote_addr` unless it is a trusted proxy (a load
 * balancer before Apache), and then whom the headers name through the trusted proxies (ADR 28's walk), or, with no
 * header, `remote_addr` itself (every hop trusted: the leftmost). Read as HTTP's rule reads a header, a client's own
 * `X-Forwarded-For` named whom it liked behind Apache, which vouches for none of it.
 */

import type { Header } from '../events.ts';
import { canonicalAddress } from './canonical-address.ts';
import { type ForwardedClient, forwardedClient, hasForwardingChain, hopAddress } from './http-forwarded.ts';
import type { TrustedProxies } from './trusted-proxies.ts';

/**
 * The client a request names: by its forwarding headers (ADR 28), or, when it came over AJP (`remoteAddr` set), by
 * `remote_addr` and then its headers. Undefined when nobody is named, or when `remote_addr` is not an address.
 */
export const requestClient = (
  headers: readonly Header[],
  trusted: TrustedProxies | undefined,
  remoteAddr: string | undefined,
): ForwardedClient | undefined => {
  if (remoteAddr === undefined) return forwardedClient(headers, trusted);
  const hop = hopAddress(remoteAddr);
  if (hop === undefined) return undefined;
  const ip = canonicalAddress(hop.ip);
  if (trusted?.has(ip) !== true) return { ip, port: hop.port, by: 'ajp-remote-addr' };
  if (hasForwardingChain(headers, trusted.header)) return forwardedClient(headers, trusted);
  return { ip, port: hop.port, by: 'ajp-remote-addr' };
};
