/** Link layers: Ethernet (+802.1Q/802.1ad VLAN tags, PPPoE, MPLS), Linux cooked v1/v2, raw IP, BSD loopback/null. */
import { u8, u16, u32, u32le } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';
import { linkDirection, sllDirection } from './local-addresses.ts';

/** LINKTYPE_* values (tcpdump.org/linktypes.html). */
export const linkTypes = {
  null: 0,
  ethernet: 1,
  rawOpenbsd: 14,
  rawLinux: 12,
  raw: 101,
  loop: 108,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

const etherIpv4 = 0x0800;
const etherIpv6 = 0x86dd;
/** 802.1Q, 802.1ad (QinQ) and the older 0x9100 tag. */
const vlanTags = new Set([0x8100, 0x88a8, 0x9100]);
const maxVlanTags = 4;

const pppoeSession = 0x8864;
const mplsUnicast = 0x8847;
const mplsMulticast = 0x8848;
const maxLabels = 8;

/** PPPoE session (RFC 2516 section 4): ver/type(1) code(1) session(2) length(2), then the PPP protocol (RFC 1661). */
const pppoe = (data: Uint8Array, at: number): number | DecodeOutcome => {
  const protocol = u16(data, at + 6);
  if (protocol < 0) return 'truncated-link';
  // PPP protocol numbers: 0x0021 IPv4, 0x0057 IPv6.
  return protocol === 0x0021 || protocol === 0x0057 ? at + 8 : 'not-ip';
};

/** MPLS (RFC 3032 section 2.1): 4-byte labels until the bottom-of-stack bit; the IP version nibble follows. */
const mpls = (data: Uint8Array, at: number): number | DecodeOutcome => {
  for (let label = 0, offset = at; label < maxLabels && offset + 4 <= data.length; label++, offset += 4) {
    if (((data[offset + 2] as number) & 1) === 1) return offset + 4;
  }
  return 'truncated-link';
};

const fromEtherType = (type: number, at: number, data?: Uint8Array): number | DecodeOutcome => {
  if (type === etherIpv4 || type === etherIpv6) return at;
  if (data === undefined) return 'not-ip';
  if (type === pppoeSession) return pppoe(data, at);
  return type === mplsUnicast || type === mplsMulticast ? mpls(data, at) : 'not-ip';
};

/** IEEE 802.3: destination(6) source(6) type(2); each VLAN tag inserts TPID(2) TCI(2) before the type. */
const ethernet = (data: Uint8Array, out: DecodedPacket): number | DecodeOutcome => {
  let at = 12;
  let type = u16(data, at);
  for (let tags = 0; vlanTags.has(type) && tags < maxVlanTags; tags++) {
    // TCI: priority(3) DEI(1) VLAN id(12); nested ids are combined so QinQ pairs stay distinct.
    out.vlan = out.vlan * 4096 + (u16(data, at + 2) & 0x0fff);
    at += 4;
    type = u16(data, at);
  }
  if (type < 0) return 'truncated-link';
  return fromEtherType(type, at + 2, data);
};

/** BSD AF_* values for IPv6 differ by OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
const ipv6Families = new Set([10, 24, 28, 30]);

/** The IP header follows the 4-byte family word, so a known family gives offset 4. */
const family = (value: number): number | DecodeOutcome =>
  value === 2 || ipv6Families.has(value) ? 4 : 'not-ip';

/** DLT_NULL stores the family in host byte order: a small value read little-endian means a little-endian host. */
const nullLink = (data: Uint8Array, networkOrder: boolean): number | DecodeOutcome => {
  if (data.length < 4) return 'truncated-link';
  const little = u32le(data, 0);
  return family(networkOrder || little > 0xffff ? u32(data, 0) : little);
};

/** Returns the offset of the IP header in `data`, or why there is none; sets `out.vlan` from 802.1Q tags. */
export const linkLayer = (linkType: number, data: Uint8Array, out: DecodedPacket): number | DecodeOutcome => {
  out.vlan = 0;
  out.direction = linkDirection.unknown;
  switch (linkType) {
    case linkTypes.ethernet:
      return ethernet(data, out);
    case linkTypes.linuxSll:
      // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2): 16 bytes.
      if (data.length < 16) return 'truncated-link';
      out.direction = sllDirection(u16(data, 0), u16(data, 2));
      return fromEtherType(u16(data, 14), 16);
    case linkTypes.linuxSll2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8): 20 bytes.
      if (data.length < 20) return 'truncated-link';
      out.direction = sllDirection(u8(data, 10), u16(data, 8));
      return fromEtherType(u16(data, 0), 20);
    case linkTypes.raw:
    case linkTypes.rawLinux:
    case linkTypes.rawOpenbsd:
    case linkTypes.ipv4:
    case linkTypes.ipv6:
      return 0;
    case linkTypes.null:
    case linkTypes.loop:
      return nullLink(data, linkType === linkTypes.loop);
    default:
      return 'unsupported-link';
  }
};
