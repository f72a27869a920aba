/** Whether a rule's peer covers an edge's peer: same group, FQDN (or `*.suffix`), or a CIDR holding the IP. */
import { BlockList, isIP } from 'node:net';
import type { Peer } from '#core/rule.ts';

const cidrHolds = (cidr: string, ip: string): boolean => {
  const [network, bits] = cidr.split('/');
  const family = isIP(network ?? '');
  if (family === 0 || isIP(ip) !== family) return false;
  const list = new BlockList();
  const type = family === 6 ? 'ipv6' : 'ipv4';
  list.addSubnet(network ?? '', Number(bits ?? (family === 6 ? 128 : 32)), type);
  return list.check(ip, type);
};

const fqdnCovers = (pattern: string, name: string): boolean =>
  pattern === name || (pattern.startsWith('*.') && name.endsWith(pattern.slice(1)));

/**
 * `ip` is the edge end's address, so a CIDR rule also covers a peer that was resolved to a name. It never
 * covers a known workload: pod IPs are reused, so workloads are matched by identity only.
 */
export const peerAllows = (rule: Peer, edge: Peer, ip: string): boolean => {
  if (rule.type === 'cidr') return edge.type !== 'group' && cidrHolds(rule.cidr, ip);
  if (rule.type === 'fqdn') return edge.type === 'fqdn' && fqdnCovers(rule.fqdn, edge.fqdn);
  return edge.type === 'group' && edge.namespace === rule.namespace && edge.name === rule.name;
};
