/**
 * The clients trusted forwarding proxies name in a flow's requests, for its finding's layer-7 summary (ADR 31): an
 * ingress pools its connections, so one flow carries many clients' requests and names only the ingress. Kept only
 * where the peer that passed the requests on is a trusted proxy, `callersOf`'s rule: any other peer's header is its
 * own claim. Runs per request on flows from a trusted proxy: nothing is allocated for a request without a forwarding
 * header, and a flow keeps at most `maxForwardedClients` addresses and a count.
 */
import { type ForwardedBy, type ForwardedClients, maxForwardedClients } from '#core/finding.ts';
import type { Header } from '../events.ts';
import { requestClient } from '../protocols/ajp-remote-client.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';

/** The schema's bound on an address: an IPv6 address with a long zone id (`fe80::1%…`) is counted, not listed. */
const maxAddress = 64;

/** The addresses named so far, in order, with the header that named each; requests that named another past the list. */
export type ForwardedTally = { clients: Map<string, ForwardedBy>; otherRequests: number };

/**
 * Adds the client a request's forwarding header (an AJP request's `remote_addr`, ADR 52) names through `proxies` to
 * `tally` (created on the first one); returns the tally. The caller checks that the flow's peer is a trusted proxy.
 */
export const tallyForwardedClient = (
  tally: ForwardedTally | undefined,
  headers: readonly Header[],
  proxies: TrustedProxies,
  remoteAddr?: string,
): ForwardedTally | undefined => {
  const named = requestClient(headers, proxies, remoteAddr);
  if (named === undefined) return tally;
  const kept = tally ?? { clients: new Map(), otherRequests: 0 };
  if (kept.clients.has(named.ip)) return kept;
  if (kept.clients.size < maxForwardedClients && named.ip.length <= maxAddress)
    kept.clients.set(named.ip, named.by);
  else kept.otherRequests++;
  return kept;
};

/** The summary's view of a tally. */
export const forwardedClientsOf = (tally: ForwardedTally): ForwardedClients => {
  const clients: ForwardedClients['clients'] = [];
  for (const [ip, by] of tally.clients) clients.push({ ip, by });
  return tally.otherRequests > 0 ? { clients, otherRequests: tally.otherRequests } : { clients };
};
