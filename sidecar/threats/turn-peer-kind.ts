/**
 * What a TURN peer address is, for `turn-relay-abuse`: the TURN server's own host (loopback; the unspecified
 * addresses, which Linux connects to the local host: coturn's CVE-2020-26262), link-local (cloud instance metadata
 * named as such), or one of the cluster's internal ranges; an IPv4 address written inside IPv6 (IPv4-mapped
 * `::ffff:127.0.0.1`, coturn's CVE-2026-27624; SIIT's translated `::ffff:0:a.b.c.d`; NAT64's `64:ff9b::/96`; the old
 * compatible `::a.b.c.d`; 6to4's `2002:AABB:CCDD::/48`) is judged as the IPv4 address it reaches.
 */
import { isIP } from 'node:net';
import { ipv6Groups } from '../protocols/canonical-address.ts';
import { rangeHolding } from './allowed-servers.ts';
import { metadataAddresses } from './metadata-services.ts';

export type PeerKind = {
  kind: 'loopback' | 'unspecified' | 'metadata' | 'link-local' | 'internal';
  /** What the address is, as a phrase for the evidence. */
  what: string;
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
  const named = metadataAddresses.get(ip);
  if (named !== undefined) return { kind: 'metadata', what: named };
  if (ip.startsWith('127.')) return { kind: 'loopback', what: 'loopback' };
  if (ip.startsWith('0.'))
    return { kind: 'unspecified', what: 'unspecified (Linux connects it to the local host)' };
  if (ip.startsWith('169.254.')) return { kind: 'link-local', what: 'link-local' };
  return undefined;
};

const ipv6Kind = (ip: string, g: number[]): PeerKind | undefined => {
  const named = metadataAddresses.get(ip);
  if (named !== undefined) return { kind: 'metadata', what: named };
  const [a = 0] = g;
  const zeros = g.slice(0, 7).every((x) => x === 0);
  if (zeros && g[7] === 1) return { kind: 'loopback', what: 'loopback' };
  if (zeros && g[7] === 0)
    return { kind: 'unspecified', what: 'unspecified (Linux connects it to the local host)' };
  if ((a & 0xffc0) === 0xfe80) return { kind: 'link-local', what: 'link-local' };
  return undefined;
};

const internalKind = (ip: string, internal: readonly string[]): PeerKind | undefined => {
  const range = rangeHolding(ip, internal);
  return range === undefined ? undefined : { kind: 'internal', what: `in the internal range ${range}` };
};

/** What `ip` is, or undefined for an address outside every kind (a public peer: what TURN relays to). */
export const peerKind = (ip: string, internal: readonly string[]): PeerKind | undefined => {
  const family = isIP(ip);
  if (family === 4) return ipv4Kind(ip) ?? internalKind(ip, internal);
  if (family !== 6) return undefined;
  const groups = ipv6Groups(ip);
  const inner = embedded(groups);
  if (inner === undefined) return ipv6Kind(ip.toLowerCase(), groups) ?? internalKind(ip, internal);
  const kind = ipv4Kind(inner.ipv4) ?? internalKind(inner.ipv4, internal);
  return kind === undefined
    ? undefined
    : { kind: kind.kind, what: `${inner.how} ${inner.ipv4}: ${kind.what}` };
};
