/**
 * What a TURN peer address is, for `turn-relay-abuse`: the TURN server's own host (loopback; the unspecified
 * addresses, which Linux connects to the local host: coturn's CVE-2020-26262), link-local (cloud instance metadata
 * named as such), or one of the cluster's internal ranges; an IPv4 address written inside IPv6 (IPv4-mapped
 * `::ffff:127.0.0.1`, coturn's CVE-2026-27624; SIIT's translated `::ffff:0:a.b.c.d`; NAT64's `64:ff9b::/96`; the old
 * compatible `::a.b.c.d`; 6to4's `2002:AABB:CCDD::/48`) is judged as the IPv4 address it reaches.
 */
import { BlockList, isIP } from 'node:net';
import { parseCidr } from '#core/cidr.ts';

export type PeerKind = {
  kind: 'loopback' | 'unspecified' | 'metadata' | 'link-local' | 'internal';
  /** What the address is, as a phrase for the evidence. */
  what: string;
};

/** Cloud instance metadata services' addresses (metadata-services.ts): AWS, GCP, Azure, OpenStack; ECS; EKS; Alibaba. */
const metadata: ReadonlyMap<string, string> = new Map([
  ['169.254.169.254', 'cloud instance metadata (169.254.169.254)'],
  ['169.254.170.2', 'the ECS credentials endpoint (169.254.170.2)'],
  ['169.254.170.23', 'the EKS Pod Identity agent (169.254.170.23)'],
  ['100.100.100.200', 'Alibaba Cloud metadata (100.100.100.200)'],
  ['fd00:ec2::254', 'AWS instance metadata over IPv6 (fd00:ec2::254)'],
  ['fd00:ec2::23', 'the EKS Pod Identity agent over IPv6 (fd00:ec2::23)'],
]);

/** The eight 16-bit groups of an IPv6 address `isIP` accepted (a dotted IPv4 tail is two), without a zone. */
const groupsOf = (ip: string): number[] => {
  const address = ip.split('%')[0] ?? '';
  const side = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((piece) => {
          if (!piece.includes('.')) return [Number.parseInt(piece, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
          return [a * 256 + b, c * 256 + d];
        });
  const double = address.indexOf('::');
  const head = side(double < 0 ? address : address.slice(0, double));
  const tail = double < 0 ? [] : side(address.slice(double + 2));
  return [...head, ...new Array<number>(Math.max(0, 8 - head.length - tail.length)).fill(0), ...tail];
};

const dotted = (high: number, low: number): string => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/** The IPv4 address an IPv6 address carries, with how it carries it; undefined when it carries none. */
const embedded = (g: number[]): { ipv4: string; how: string } | undefined => {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, l = 0] = g;
  const zeros = a === 0 && b === 0 && c === 0 && d === 0;
  if (zeros && e === 0 && f === 0xffff) return { ipv4: dotted(h, l), how: 'IPv4-mapped' };
  if (zeros && e === 0xffff && f === 0) return { ipv4: dotted(h, l), how: 'IPv4-translated' };
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0)
    return { ipv4: dotted(h, l), how: 'NAT64' };
  // ::a.b.c.d, but not :: nor ::1, which are IPv6's own.
  if (zeros && e === 0 && f === 0 && (h !== 0 || l > 1))
    return { ipv4: dotted(h, l), how: 'IPv4-compatible' };
  if (a === 0x2002) return { ipv4: dotted(b, c), how: '6to4' };
  return undefined;
};

const ipv4Kind = (ip: string): PeerKind | undefined => {
  const named = metadata.get(ip);
  if (named !== undefined) return { kind: 'metadata', what: named };
  if (ip.startsWith('127.')) return { kind: 'loopback', what: 'loopback' };
  if (ip.startsWith('0.'))
    return { kind: 'unspecified', what: 'unspecified (Linux connects it to the local host)' };
  if (ip.startsWith('169.254.')) return { kind: 'link-local', what: 'link-local' };
  return undefined;
};

const ipv6Kind = (ip: string, g: number[]): PeerKind | undefined => {
  const named = metadata.get(ip);
  if (named !== undefined) return { kind: 'metadata', what: named };
  const [a = 0] = g;
  const zeros = g.slice(0, 7).every((x) => x === 0);
  if (zeros && g[7] === 1) return { kind: 'loopback', what: 'loopback' };
  if (zeros && g[7] === 0)
    return { kind: 'unspecified', what: 'unspecified (Linux connects it to the local host)' };
  if ((a & 0xffc0) === 0xfe80) return { kind: 'link-local', what: 'link-local' };
  return undefined;
};

/** A list of internal ranges (CIDRs), built once per list. */
type Ranges = { list: BlockList; entries: { cidr: string; one: BlockList; family: 'ipv4' | 'ipv6' }[] };
const built = new WeakMap<readonly string[], Ranges>();

const rangesOf = (cidrs: readonly string[]): Ranges => {
  let ranges = built.get(cidrs);
  if (ranges !== undefined) return ranges;
  ranges = { list: new BlockList(), entries: [] };
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed === undefined) continue;
    const one = new BlockList();
    one.addSubnet(parsed.address, parsed.bits, parsed.family);
    ranges.list.addSubnet(parsed.address, parsed.bits, parsed.family);
    ranges.entries.push({ cidr, one, family: parsed.family });
  }
  built.set(cidrs, ranges);
  return ranges;
};

const internalKind = (ip: string, internal: readonly string[]): PeerKind | undefined => {
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  const ranges = rangesOf(internal);
  if (!ranges.list.check(ip, family)) return undefined;
  const range = ranges.entries.find((entry) => entry.family === family && entry.one.check(ip, family));
  return { kind: 'internal', what: `in the internal range ${range?.cidr ?? ''}`.trim() };
};

/** What `ip` is, or undefined for an address outside every kind (a public peer: what TURN relays to). */
export const peerKind = (ip: string, internal: readonly string[]): PeerKind | undefined => {
  const family = isIP(ip);
  if (family === 4) return ipv4Kind(ip) ?? internalKind(ip, internal);
  if (family !== 6) return undefined;
  const groups = groupsOf(ip.toLowerCase());
  const inner = embedded(groups);
  if (inner === undefined) return ipv6Kind(ip.toLowerCase(), groups) ?? internalKind(ip, internal);
  const kind = ipv4Kind(inner.ipv4) ?? internalKind(inner.ipv4, internal);
  return kind === undefined
    ? undefined
    : { kind: kind.kind, what: `${inner.how} ${inner.ipv4}: ${kind.what}` };
};
