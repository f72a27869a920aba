/** Whether a captured packet belongs to the flow a capture command names (an endpoint: IP and port, either side). */
import type { PacketRecord } from '../capture/packet-record.ts';
import { addressText } from '../decode/decoded-packet.ts';
import { createPacketDecoder } from '../decode/packet-decoder.ts';
import type { StoredPacket } from './pcap-writer.ts';

export type FlowSelector = { ip: string; port: number };

/** A predicate over stored packets; it decodes each one (the decoder is reused, so this allocates nothing per packet). */
export const flowFilter = (flow: FlowSelector): ((packet: StoredPacket) => boolean) => {
  const decoder = createPacketDecoder();
  return (packet) => {
    const record: PacketRecord = { ...packet, offset: 0 };
    if (decoder.decode(record) !== 'ok') return false;
    // Ports first: they reject most packets without formatting an address.
    const p = decoder.packet;
    if (p.srcPort !== flow.port && p.dstPort !== flow.port) return false;
    addressText(p);
    return (p.src === flow.ip && p.srcPort === flow.port) || (p.dst === flow.ip && p.dstPort === flow.port);
  };
};
