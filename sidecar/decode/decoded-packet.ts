/** The facts of one decoded packet that flows and observers need; a decoder fills one object and reuses it. */
import type { Transport } from '#core/protocol-id.ts';

export type FragmentFacts = { offset: number; more: boolean; overlap: boolean };

export type DecodedPacket = {
  ts: number;
  /** Sent, received or on loopback, from a Linux cooked capture header (`linkDirection` in local-addresses.ts). */
  direction: number;
  /** 802.1Q VLAN id (nested tags combined), 0 when untagged: the same 5-tuple on two VLANs is two flows. */
  vlan: number;
  ipVersion: 4 | 6;
  /** IPv4 addresses as unsigned 32-bit numbers (-1 for IPv6): flows compare these, not text. */
  srcV4: number;
  dstV4: number;
  /** Address text: for IPv4 only valid after `addressText(packet)` (formatting every packet would cost). */
  src: string;
  dst: string;
  textReady: boolean;
  /** IP protocol number of the transport header (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  protocol: number;
  transport: Transport;
  srcPort: number;
  dstPort: number;
  /** TCP flags as a bit set (FIN=1, SYN=2, RST=4, PSH=8, ACK=16, URG=32, ECE=64, CWR=128). */
  tcpFlags: number;
  seq: number;
  ack: number;
  window: number;
  /** TCP urgent pointer (meaningful with the URG flag): the octet before it is out of band on Linux. */
  urgentPointer: number;
  /** Options from the SYN that matter for reassembly and fingerprints; -1 when absent. */
  mss: number;
  windowScale: number;
  /** TCP timestamp option (RFC 7323): the sender's TSval, or -1 without the option (PAWS, reset-check.ts). */
  tsVal: number;
  /** A TCP authentication option's kind: 19 (MD5, RFC 2385), 29 (TCP-AO, RFC 5925), or 0 (auth-option-check.ts). */
  authOption: number;
  /**
   * Transport payload as captured: octets [payloadStart, payloadEnd) of `l4Bytes`. Offsets rather than a view: most
   * payloads are never read (bulk past every parse budget), and a view per packet was a quarter of a million typed
   * arrays a pass on the benchmark capture. `payloadOf(packet)` makes the view for those who read it.
   */
  payloadStart: number;
  payloadEnd: number;
  /** Transport payload length on the wire; more than `payloadEnd - payloadStart` when the snap length cut the frame. */
  payloadLength: number;
  /** Total IP length (header + payload) from the IP header. */
  ipLength: number;
  icmpType: number;
  icmpCode: number;
  /** Set when the packet was an IP fragment (or completed a fragmented datagram). */
  fragment: FragmentFacts | undefined;
  /** The frame was cut by the snap length: lengths come from headers, bytes stop early. */
  snapped: boolean;
  /**
   * Transport header and payload as captured, handed from the IP layer to the transport layer: octets
   * [l4Start, l4End) of l4Bytes (offsets into the frame rather than a view, one object less per packet).
   */
  l4Bytes: Uint8Array;
  l4Start: number;
  l4End: number;
  /** Transport header and payload length according to the IP header. */
  l4Length: number;
  /**
   * Where the IP header lies (it starts at octet `ipStart` of `ipFrame`), for checksums when someone needs them:
   * the IPv4 header's own (`ipHeaderLength` octets; 0 for IPv6, which has none) and the addresses of a pseudo-header.
   */
  ipFrame: Uint8Array;
  ipStart: number;
  ipHeaderLength: number;
};

const noPayload = new Uint8Array(0);

/** The packet's captured transport payload, as a view into the frame (valid until the decoder's next packet). */
export const payloadOf = (packet: DecodedPacket): Uint8Array =>
  packet.payloadEnd > packet.payloadStart
    ? packet.l4Bytes.subarray(packet.payloadStart, packet.payloadEnd)
    : noPayload;

export const emptyPacket = (): DecodedPacket => ({
  ts: 0,
  direction: 0,
  vlan: 0,
  ipVersion: 4,
  srcV4: -1,
  dstV4: -1,
  src: '',
  dst: '',
  textReady: false,
  protocol: 0,
  transport: 'other',
  srcPort: 0,
  dstPort: 0,
  tcpFlags: 0,
  seq: 0,
  ack: 0,
  window: 0,
  urgentPointer: 0,
  mss: -1,
  windowScale: -1,
  tsVal: -1,
  authOption: 0,
  payloadStart: 0,
  payloadEnd: 0,
  payloadLength: 0,
  ipLength: 0,
  icmpType: -1,
  icmpCode: -1,
  fragment: undefined,
  snapped: false,
  l4Bytes: new Uint8Array(0),
  l4Start: 0,
  l4End: 0,
  l4Length: 0,
  ipFrame: new Uint8Array(0),
  ipStart: 0,
  ipHeaderLength: 0,
});

/** Why a packet was not decoded (counted, never thrown), or that it was only a pending fragment. */
export type DecodeOutcome =
  | 'ok'
  | 'fragment'
  | 'unsupported-link'
  | 'truncated-link'
  | 'not-ip'
  | 'truncated-ip'
  | 'malformed-ip'
  | 'fragment-dropped'
  | 'martian'
  | 'source-routed'
  | 'truncated-tcp'
  | 'malformed-tcp'
  | 'truncated-udp'
  | 'malformed-udp'
  | 'truncated-icmp';

const ipv4Text = (value: number): string =>
  `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;

/** Fills `src` and `dst` from the numeric IPv4 addresses the first time someone needs the text. */
export const addressText = (packet: DecodedPacket): DecodedPacket => {
  if (!packet.textReady) {
    packet.src = ipv4Text(packet.srcV4);
    packet.dst = ipv4Text(packet.dstV4);
    packet.textReady = true;
  }
  return packet;
};
