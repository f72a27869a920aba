/** The payload-free packet summary observers (volumetric and scan detectors) receive for every decoded packet. */
import type { Transport } from '#core/protocol-id.ts';
import { addressText, type DecodedPacket } from '../decode/decoded-packet.ts';
import type { PacketEvent } from '../threats/threat.ts';

const transportByNumber: Readonly<Record<number, Transport>> = {
  6: 'tcp',
  17: 'udp',
  1: 'icmp',
  58: 'icmpv6',
};

/** For a fragment still waiting for the rest, the transport comes from the IP protocol number. */
export const transportOf = (packet: DecodedPacket): Transport => {
  if (packet.transport !== 'other') return packet.transport;
  return transportByNumber[packet.protocol] ?? 'other';
};

/**
 * IPv4 address text, kept per address: detectors key their state by it on every packet, and one string per address
 * (flat, its hash computed once) is cheaper than formatting two per packet. Cleared when full.
 */
const v4Texts = new Map<number, string>();
const maxV4Texts = 65_536;

const remember = (value: number, text: string): void => {
  if (v4Texts.size >= maxV4Texts) v4Texts.clear();
  v4Texts.set(value, text);
};

/** Fills the packet's address text, from the per-address cache for IPv4 (formatting both only when one is new). */
const withAddressText = (packet: DecodedPacket): void => {
  if (packet.textReady || packet.srcV4 < 0 || packet.dstV4 < 0) {
    addressText(packet);
    return;
  }
  let src = v4Texts.get(packet.srcV4);
  let dst = v4Texts.get(packet.dstV4);
  if (src === undefined || dst === undefined) {
    addressText(packet);
    if (src === undefined) {
      src = packet.src;
      remember(packet.srcV4, src);
    }
    if (dst === undefined) {
      dst = packet.dst;
      remember(packet.dstV4, dst);
    }
  }
  packet.src = src;
  packet.dst = dst;
  packet.textReady = true;
};

/**
 * One event for every packet, refilled each time: observers read it during `onPacket` and copy what they keep
 * (three objects per packet were a tenth of the threat runner's cost, most of it in the garbage collector).
 */
const event: PacketEvent = {
  kind: 'packet',
  ts: 0,
  transport: 'other',
  src: { ip: '', port: 0 },
  dst: { ip: '', port: 0 },
  tcpFlags: undefined,
  payloadLength: 0,
  ipLength: 0,
  icmpType: undefined,
  fragment: undefined,
  srcV4: -1,
  dstV4: -1,
  vlan: 0,
};

/** The packet's summary, in the one reused event. */
export const packetEvent = (packet: DecodedPacket): PacketEvent => {
  withAddressText(packet);
  event.ts = packet.ts;
  event.transport = transportOf(packet);
  event.src.ip = packet.src;
  event.src.port = packet.srcPort;
  event.dst.ip = packet.dst;
  event.dst.port = packet.dstPort;
  event.payloadLength = packet.payloadLength;
  event.ipLength = packet.ipLength;
  event.tcpFlags = packet.transport === 'tcp' ? packet.tcpFlags : undefined;
  event.icmpType = packet.icmpType >= 0 ? packet.icmpType : undefined;
  event.fragment = packet.fragment === undefined ? undefined : { ...packet.fragment };
  event.srcV4 = packet.srcV4;
  event.dstV4 = packet.dstV4;
  event.vlan = packet.vlan;
  return event;
};
