/**
 * The proxies whose forwarding headers are taken a hop further (ADR 28): a chain of proxies inside the cluster (an
 * ingress controller, then a mesh sidecar) each append to `X-Forwarded-For`; listing their addresses lets the client
 * before the first of them be named. Addresses and CIDRs, IPv4 and IPv6.
 */
import { BlockList, isIP } from 'node:net';

export type TrustedProxies = { has(ip: string): boolean; readonly entries: readonly string[] };

/** Parses `10.0.0.0/8`, `192.0.2.7`, `fd00::/8`; a wrong entry is an error naming it. */
export const trustedProxies = (entries: readonly string[], source = 'trusted proxies'): TrustedProxies => {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const width = family === 4 ? 32 : 128;
    const valid =
      family !== 0 &&
      extra === undefined &&
      (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= width));
    if (!valid) throw new Error(`${source}: "${raw}" is not an IPv4 or IPv6 address or CIDR (address/bits)`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  const kept = entries.map((entry) => entry.trim());
  return {
    entries: kept,
    has: (ip) => {
      const family = isIP(ip);
      return kept.length > 0 && family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
};

/** None trusted: a forwarding header is read one hop deep (what the peer says connected to it). */
export const noTrustedProxies: TrustedProxies = trustedProxies([]);
