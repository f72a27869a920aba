/**
 * Test helper: builds Ethernet/IPv4/IPv6/TCP/UDP/ICMP bytes field by field. Checksums are left zero (which the tap
 * reads as a capture whose checksums mean nothing) unless `sealed` fills them in.
 */

const ipv4Bytes = (text: string): number[] => text.split('.').map(Number);

const ipv6Bytes = (text: string): number[] => {
  const [head = '', tail = ''] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = text.includes('::') && tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
};

const be16 = (value: number) => [(value >> 8) & 0xff, value & 0xff];
const be32 = (value: number) => [
  (value >>> 24) & 0xff,
  (value >>> 16) & 0xff,
  (value >>> 8) & 0xff,
  value & 0xff,
];

export const flags = { fin: 1, syn: 2, rst: 4, psh: 8, ack: 16, urg: 32 } as const;

/** RFC 9293 section 3.1: ports, seq, ack, data offset, flags, window, checksum, urgent pointer, options. */
export const tcpSegment = (o: {
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  urgentPointer?: number;
  options?: number[];
  payload?: Uint8Array | string;
}): Uint8Array => {
  const options = o.options ?? [];
  const padded = [...options, ...Array((4 - (options.length % 4)) % 4).fill(0)];
  const payload =
    typeof o.payload === 'string' ? new TextEncoder().encode(o.payload) : (o.payload ?? new Uint8Array(0));
  const header = [
    ...be16(o.srcPort),
    ...be16(o.dstPort),
    ...be32(o.seq ?? 0),
    ...be32(o.ack ?? 0),
    ((5 + padded.length / 4) << 4) & 0xf0,
    o.flags ?? flags.ack,
    ...be16(o.window ?? 65535),
    0,
    0,
    ...be16(o.urgentPointer ?? 0),
    ...padded,
  ];
  return Uint8Array.from([...header, ...payload]);
};

/** RFC 768: ports, length (header + data), checksum. */
export const udpDatagram = (o: {
  srcPort: number;
  dstPort: number;
  payload?: Uint8Array | string;
}): Uint8Array => {
  const payload =
    typeof o.payload === 'string' ? new TextEncoder().encode(o.payload) : (o.payload ?? new Uint8Array(0));
  return Uint8Array.from([
    ...be16(o.srcPort),
    ...be16(o.dstPort),
    ...be16(8 + payload.length),
    0,
    0,
    ...payload,
  ]);
};

/** RFC 792: type, code, checksum, identifier, sequence number (echo). */
export const icmpMessage = (type: number, code = 0, rest: number[] = [0, 1, 0, 1]): Uint8Array =>
  Uint8Array.from([type, code, 0, 0, ...rest]);

/** RFC 791 section 3.1: version/IHL, TOS, total length, id, flags/fragment offset, TTL, protocol, checksum, addresses. */
export const ipv4Packet = (o: {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
  id?: number;
  more?: boolean;
  fragmentOffset?: number;
  totalLength?: number;
}): Uint8Array => {
  const flagsAndOffset = (o.more ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) / 8);
  const header = [
    0x45,
    0,
    ...be16(o.totalLength ?? 20 + o.payload.length),
    ...be16(o.id ?? 1),
    ...be16(flagsAndOffset),
    64,
    o.protocol,
    0,
    0,
    ...ipv4Bytes(o.src),
    ...ipv4Bytes(o.dst),
  ];
  return Uint8Array.from([...header, ...o.payload]);
};

/** RFC 8200 section 3; `extensions` are raw extension headers placed before the payload (first byte = their next header). */
export const ipv6Packet = (o: {
  src: string;
  dst: string;
  nextHeader: number;
  payload: Uint8Array;
  extensions?: number[];
}): Uint8Array => {
  const body = [...(o.extensions ?? []), ...o.payload];
  const header = [
    0x60,
    0,
    0,
    0,
    ...be16(body.length),
    o.nextHeader,
    64,
    ...ipv6Bytes(o.src),
    ...ipv6Bytes(o.dst),
  ];
  return Uint8Array.from([...header, ...body]);
};

/** IEEE 802.3 Ethernet II with optional 802.1Q tags (TPID 0x8100 or 0x88a8, then TCI). */
export const ethernetFrame = (payload: Uint8Array, etherType: number, vlanTpids: number[] = []): Uint8Array =>
  Uint8Array.from([
    ...[0, 1, 2, 3, 4, 5],
    ...[6, 7, 8, 9, 10, 11],
    ...vlanTpids.flatMap((tpid, i) => [...be16(tpid), ...be16(100 + i)]),
    ...be16(etherType),
    ...payload,
  ]);

export type Tcp4 = {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  flags?: number;
  /** The window field (65535 when not given). */
  window?: number;
  urgentPointer?: number;
  options?: number[];
  payload?: Uint8Array | string;
};

/** An Ethernet frame carrying IPv4 and one TCP segment: the common case in tests. */
export const tcp4Frame = (o: Tcp4): Uint8Array =>
  ethernetFrame(ipv4Packet({ src: o.src, dst: o.dst, protocol: 6, payload: tcpSegment(o) }), 0x0800);

export const udp4Frame = (o: {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload?: Uint8Array | string;
}) => ethernetFrame(ipv4Packet({ src: o.src, dst: o.dst, protocol: 17, payload: udpDatagram(o) }), 0x0800);

export const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** RFC 1071, written out plainly and separately from the tap's own: the one's complement of the 16-bit word sum. */
const internetChecksum = (words: number[]): number => {
  let sum = 0;
  for (const word of words) {
    sum += word;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return ~sum & 0xffff;
};

const wordsOf = (bytes: Uint8Array): number[] =>
  Array.from(
    { length: Math.ceil(bytes.length / 2) },
    (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0),
  );

/**
 * An untagged Ethernet/IPv4/TCP frame with both checksums filled in as a sender's stack would (a copy); with
 * `offloaded`, the TCP checksum holds only the pseudo-header sum, as a capture before checksum offload shows it.
 */
export const sealed = (frame: Uint8Array, options: { offloaded?: boolean } = {}): Uint8Array => {
  const out = Uint8Array.from(frame);
  const ip = 14;
  const headerLength = ((out[ip] ?? 0) & 0x0f) * 4;
  const total = ((out[ip + 2] ?? 0) << 8) | (out[ip + 3] ?? 0);
  out[ip + 10] = 0;
  out[ip + 11] = 0;
  const ipSum = internetChecksum(wordsOf(out.subarray(ip, ip + headerLength)));
  out[ip + 10] = ipSum >> 8;
  out[ip + 11] = ipSum & 0xff;
  const tcp = ip + headerLength;
  const tcpLength = total - headerLength;
  const pseudo = [...wordsOf(out.subarray(ip + 12, ip + 20)), 6, tcpLength];
  out[tcp + 16] = 0;
  out[tcp + 17] = 0;
  const tcpSum = options.offloaded
    ? ~internetChecksum(pseudo) & 0xffff
    : internetChecksum([...pseudo, ...wordsOf(out.subarray(tcp, tcp + tcpLength))]);
  out[tcp + 16] = tcpSum >> 8;
  out[tcp + 17] = tcpSum & 0xff;
  return out;
};

/** The same frame with its TCP checksum wrong (as fragroute's `tcp_chaff cksum` sends). */
export const badTcpChecksum = (frame: Uint8Array): Uint8Array => {
  const out = sealed(frame);
  const at = 14 + ((out[14] ?? 0) & 0x0f) * 4 + 16;
  out[at] = (out[at] ?? 0) ^ 0x5a;
  return out;
};

/**
 * The IP packet of an untagged Ethernet frame in a Linux cooked capture v1 header (LINKTYPE_LINUX_SLL, what
 * `tcpdump -i any` writes): packet type (0 received for this host, 4 sent by it), ARPHRD type (1 Ethernet, 772
 * loopback), address length, address, protocol.
 */
export const sllFrame = (ethernet: Uint8Array, packetType: number, hardwareType = 1): Uint8Array =>
  Uint8Array.from([
    ...be16(packetType),
    ...be16(hardwareType),
    ...be16(6),
    ...ethernet.subarray(6, 12),
    0,
    0,
    ...ethernet.subarray(12),
  ]);
