/**
 * The clients a trusted forwarding proxy named for a flow (ADR 31), on the flow or on a violation it raised, as the
 * dashboard words them: the proxies' word ("forwarded for"), never the flow's client, and past the list a count of
 * requests, not of clients.
 */

type Forwarded = { ips: string[]; otherRequests: number };

/** A field of an object, or undefined when `value` is not one. */
export const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

/** A `forwarded` field as far as it reads: its clients' addresses and the requests past the list; undefined when none. */
const forwardedOf = (forwarded: unknown): Forwarded | undefined => {
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

/**
 * `forwarded for 203.0.113.7, 198.51.100.2 (+3 requests for other clients)`, past the list counting requests, of a
 * flow's `l7.forwarded` or a violation's `forwarded`; undefined when it names none.
 */
export const forwardedText = (value: unknown): string | undefined => {
  const forwarded = forwardedOf(value);
  if (forwarded === undefined) return undefined;
  const { ips, otherRequests } = forwarded;
  const requests = otherRequests === 1 ? '1 request' : `${otherRequests} requests`;
  if (ips.length === 0) return `forwarded for clients not listed (${requests})`;
  const more = otherRequests === 1 ? ' (+1 request for another client)' : ` (+${requests} for other clients)`;
  return `forwarded for ${ips.join(', ')}${otherRequests > 0 ? more : ''}`;
};
