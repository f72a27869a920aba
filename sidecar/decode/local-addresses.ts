/**
 * The capturing pod's own IPv4 addresses, and martians: a packet that arrives from outside (the Linux cooked capture
 * says received, not on loopback) claiming one of them as its source. The pod's kernel drops it (an IPv4 source that
 * is a local address; net.ipv4.conf.*.accept_local is off by default), so the tap must not read it either, or an
 * attacker could forge the pod's own side of a connection (a reset, an acknowledgement, a reply) that the tap would
 * believe and the pod never sends. The addresses come from the tap's configuration (the pod's IPs): learning them
 * from sent packets would be wrong on a capture from a host that forwards, where sent packets carry others' sources.
 */

/** What the Linux cooked capture header says of a packet (unknown when the link type does not tell). */
export const linkDirection = { unknown: 0, received: 1, sent: 2, loopback: 3 } as const;

/** SLL packet types (linux/if_packet.h): PACKET_HOST 0, BROADCAST 1, MULTICAST 2, OTHERHOST 3, OUTGOING 4. */
const outgoing = 4;
/** ARPHRD_LOOPBACK (linux/if_arp.h): loopback traffic is seen both ways and is never a martian. */
const arphrdLoopback = 772;

/** The direction from an SLL or SLL2 header's packet type and hardware type. */
export const sllDirection = (packetType: number, hardwareType: number): number => {
  if (packetType < 0 || hardwareType < 0) return linkDirection.unknown;
  if (hardwareType === arphrdLoopback) return linkDirection.loopback;
  return packetType === outgoing ? linkDirection.sent : linkDirection.received;
};

const dottedQuad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An IPv4 address as an unsigned 32-bit number, or undefined for anything else (IPv6 is not judged). */
export const ipv4Number = (text: string): number | undefined => {
  const parts = dottedQuad.exec(text)?.slice(1).map(Number);
  if (parts === undefined || parts.some((part) => part > 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + part, 0);
};

export type LocalAddresses = {
  /** A received packet claiming one of the local addresses as its source: the kernel drops it. */
  martian(direction: number, srcV4: number): boolean;
};

export const createLocalAddresses = (addresses: readonly string[] = []): LocalAddresses => {
  const local = new Set(addresses.map(ipv4Number).filter((value) => value !== undefined));
  return {
    martian: (direction, srcV4) => direction === linkDirection.received && local.size > 0 && local.has(srcV4),
  };
};
