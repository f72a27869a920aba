/**
 * A flow's peers for the service panel, and behind a trusted forwarding proxy the clients its requests named (ADR 31).
 * The tap lists them only when the flow's peer is a proxy it was told to trust, each the rightmost address of a
 * request's X-Forwarded-For, Forwarded or X-Real-IP that is not a trusted proxy: the proxies' word, shown as theirs
 * ("forwarded for … via proxy"), never as the flow's client. Text only: the view sets it as text, never as HTML.
 */
import { endpoint } from './finding-summary.ts';

type Forwarded = { ips: string[]; otherRequests: number };

/** A field of an object, or undefined when `value` is not one. */
const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

/** `l7.forwarded` as far as it reads: its clients' addresses and the requests past the list; undefined when none. */
const forwardedOf = (l7: unknown): Forwarded | undefined => {
  const forwarded = field(l7, 'forwarded');
  const clients = field(forwarded, 'clients');
  const otherRequests = field(forwarded, 'otherRequests');
  const ips: string[] = [];
  for (const client of Array.isArray(clients) ? clients : []) {
    const ip = field(client, 'ip');
    if (typeof ip === 'string') ips.push(ip);
  }
  const other = typeof otherRequests === 'number' && otherRequests > 0 ? otherRequests : 0;
  return ips.length > 0 || other > 0 ? { ips, otherRequests: other } : undefined;
};

/** `forwarded for 203.0.113.7, 198.51.100.2 (+3 requests for other clients)`: past the list it counts requests. */
const forwardedFor = ({ ips, otherRequests }: Forwarded): string => {
  const requests = otherRequests === 1 ? '1 request' : `${otherRequests} requests`;
  if (ips.length === 0) return `forwarded for clients not listed (${requests})`;
  const more = otherRequests === 1 ? ' (+1 request for another client)' : ` (+${requests} for other clients)`;
  return `forwarded for ${ips.join(', ')}${otherRequests > 0 ? more : ''}`;
};

/**
 * `10.0.0.5:41000 → 10.0.0.6:9080`; behind a trusted proxy `forwarded for 203.0.113.7 via proxy 10.0.0.5:41000 → …`,
 * the proxy being the client a PROXY header named (ADR 25) via the balancer when there was one. Undefined when the
 * endpoints cannot be read.
 */
export const flowParties = (finding: Record<string, unknown>): string | undefined => {
  const client = endpoint(finding.client);
  const server = endpoint(finding.server);
  if (client === undefined || server === undefined) return undefined;
  const balanced = endpoint(field(finding.proxy, 'client'));
  const peer = balanced === undefined ? client : `${balanced} via ${client}`;
  const forwarded = forwardedOf(finding.l7);
  return forwarded === undefined
    ? `${peer} → ${server}`
    : `${forwardedFor(forwarded)} via proxy ${peer} → ${server}`;
};
