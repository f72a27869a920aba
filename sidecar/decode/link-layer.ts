/** Link layers: Ethernet (+802.1Q/802.1ad VLAN tags), Linux cooked v1/v2, raw IP, BSD loopback/null. */
import { u16, u32, u32le } from './byte-reader.ts';
import type { DecodeOutcome } from './decoded-packet.ts';

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

const fromEtherType = (type: number, at: number): number | DecodeOutcome =>
  type === etherIpv4 || type === etherIpv6 ? at : 'not-ip';

/** IEEE 802.3: destination(6) source(6) type(2); each VLAN tag inserts TPID(2) TCI(2) before the type. */
const ethernet = (data: Uint8Array): number | DecodeOutcome => {
  let at = 12;
  let type = u16(data, at);
  for (let tags = 0; vlanTags.has(type) && tags < maxVlanTags; tags++) {
    at += 4;
    type = u16(data, at);
  }
  if (type < 0) return 'truncated-link';
  return fromEtherType(type, at + 2);
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

/** Returns the offset of the IP header in `data`, or why there is none. */
export const linkLayer = (linkType: number, data: Uint8Array): number | DecodeOutcome => {
  switch (linkType) {
    case linkTypes.ethernet:
      return ethernet(data);
    case linkTypes.linuxSll:
      // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2): 16 bytes.
      return data.length < 16 ? 'truncated-link' : fromEtherType(u16(data, 14), 16);
    case linkTypes.linuxSll2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8): 20 bytes.
      return data.length < 20 ? 'truncated-link' : fromEtherType(u16(data, 0), 20);
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
