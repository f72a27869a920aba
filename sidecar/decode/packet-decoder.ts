/** Decodes a captured frame through link, IP and transport layers into one reused DecodedPacket; counts every failure. */
import type { PacketRecord } from '../capture/packet-record.ts';
import { type DecodedPacket, type DecodeOutcome, emptyPacket } from './decoded-packet.ts';
import {
  createFragmentTable,
  defaultFragmentLimits,
  type FragmentLimits,
  type FragmentTable,
} from './ip-fragments.ts';
import { ipv4 } from './ipv4.ts';
import { ipv6 } from './ipv6.ts';
import { linkLayer } from './link-layer.ts';
import { createLocalAddresses } from './local-addresses.ts';
import { transportLayer } from './transport-layer.ts';

export type PacketDecoder = {
  /** Fills `packet` from the record; 'ok' when it holds a transport-level packet. Never throws. */
  decode(record: PacketRecord): DecodeOutcome;
  /** Valid until the next `decode` call. */
  readonly packet: DecodedPacket;
  /** How many packets ended with each outcome. */
  counts(): Record<string, number>;
  readonly fragments: FragmentTable;
};

const network = (
  record: PacketRecord,
  at: number,
  out: DecodedPacket,
  fragments: FragmentTable,
): DecodeOutcome => {
  const version = (record.data[at] ?? 0) >> 4;
  if (at >= record.data.length) return 'truncated-ip';
  if (version === 4) return ipv4(record.data, at, out, fragments);
  if (version === 6) return ipv6(record.data, at, out, fragments);
  return 'malformed-ip';
};

const reset = (out: DecodedPacket, record: PacketRecord): void => {
  out.ts = record.ts;
  out.snapped = record.originalLength > record.data.length;
  out.fragment = undefined;
  out.transport = 'other';
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.payloadStart = 0;
  out.payloadEnd = 0;
  out.payloadLength = 0;
  out.icmpType = -1;
  out.icmpCode = -1;
};

/** `localAddresses`: the capturing pod's own IPv4 addresses, to drop martians as its kernel does (local-addresses.ts). */
export const createPacketDecoder = (
  limits: FragmentLimits = defaultFragmentLimits,
  localAddresses: readonly string[] = [],
): PacketDecoder => {
  const packet = emptyPacket();
  const fragments = createFragmentTable(limits);
  const local = createLocalAddresses(localAddresses);
  const counts: Record<string, number> = {};
  const count = (outcome: DecodeOutcome): DecodeOutcome => {
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    return outcome;
  };
  return {
    packet,
    fragments,
    counts: () => ({ ...counts }),
    decode(record) {
      reset(packet, record);
      const at = linkLayer(record.linkType, record.data, packet);
      if (typeof at === 'string') return count(at);
      const ip = network(record, at, packet, fragments);
      if ((ip === 'ok' || ip === 'fragment') && local.martian(packet.direction, packet.srcV4))
        return count('martian');
      if (ip !== 'ok') return count(ip);
      return count(transportLayer(packet));
    },
  };
};
