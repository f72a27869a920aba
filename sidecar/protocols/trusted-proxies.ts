/**
 * The proxies whose forwarding headers are taken a hop further (ADR 28): a chain of proxies inside the cluster (an
 * ingress controller, then a mesh sidecar) each append to `X-Forwarded-For`; listing their addresses lets the client
 * before the first of them be named. Addresses and CIDRs, IPv4 and IPv6.
 */
import { BlockList, isIP } from 'node:net';
import { parseCidr } from '#core/cidr.ts';
import { type ForwardingHeader, forwardingHeaderSchema } from '#core/finding.ts';

/** The forwarding headers a proxy writes (ADR 28). */
export const forwardingHeaderNames = forwardingHeaderSchema.options;

export type TrustedProxies = {
  has(ip: string): boolean;
  readonly entries: readonly string[];
  /**
   * The one header the trusted proxies write, when said: the others are the client's and never name it (a proxy that
   * sets only X-Real-IP passes a client's own X-Forwarded-For on). Unsaid: X-Forwarded-For, else Forwarded, else
   * X-Real-IP.
   */
  readonly header?: ForwardingHeader | undefined;
};

/** Adds one entry to the list; a wrong one, or one that trusts every address, is an error naming it. */
const addEntry = (list: BlockList, raw: string, source: string): void => {
  const cidr = parseCidr(raw.trim(), { bareAddress: true });
  if (cidr === undefined)
    throw new Error(`${source}: "${raw}" is not an IPv4 or IPv6 address or CIDR (address/bits)`);
  if (cidr.bits === 0)
    throw new Error(
      `${source}: "${raw}" trusts every address, so any client could name any other: list the proxies' addresses`,
    );
  list.addSubnet(cidr.address, cidr.bits, cidr.family);
};

/** Parses `10.0.0.0/8`, `192.0.2.7`, `fd00::/8`; a wrong entry is an error naming it. */
export const trustedProxies = (
  entries: readonly string[],
  source = 'trusted proxies',
  header?: ForwardingHeader,
): TrustedProxies => {
  const list = new BlockList();
  for (const raw of entries) addEntry(list, raw, source);
  const kept = entries.map((entry) => entry.trim());
  return {
    entries: kept,
    header,
    has: (ip) => {
      const family = isIP(ip);
      return kept.length > 0 && family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
};

/** The same proxies, writing only `header` (or any of the three, undefined). */
export const withHeader = (proxies: TrustedProxies, header: ForwardingHeader | undefined): TrustedProxies =>
  header === undefined ? proxies : { ...proxies, header };

/** None trusted: a forwarding header is read one hop deep (what the peer says connected to it). */
export const noTrustedProxies: TrustedProxies = trustedProxies([]);
