/** Whether a rule's peer covers an edge's peer: same group, FQDN (or `*.suffix`), or a CIDR holding the IP. */
import { BlockList, isIP } from 'node:net';
import type { Peer } from '#core/rule.ts';

/** Parsed CIDRs, kept because the same few rules are checked against every flow. */
const lists = new Map<string, { list: BlockList; family: number } | null>();

const listOf = (cidr: string) => {
  let entry = lists.get(cidr);
  if (entry !== undefined) return entry;
  const [network = '', bits] = cidr.split('/');
  const family = isIP(network);
  entry = null;
  if (family !== 0) {
    const list = new BlockList();
    list.addSubnet(network, Number(bits ?? (family === 6 ? 128 : 32)), family === 6 ? 'ipv6' : 'ipv4');
    entry = { list, family };
  }
  if (lists.size > 10_000) lists.clear();
  lists.set(cidr, entry);
  return entry;
};

const cidrHolds = (cidr: string, ip: string): boolean => {
  if (cidr === `${ip}/32` || cidr === `${ip}/128`) return true;
  const entry = listOf(cidr);
  const family = isIP(ip);
  if (entry === null || family !== entry.family) return false;
  return entry.list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
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
