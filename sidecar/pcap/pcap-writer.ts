/** Writes classic libpcap files (microsecond, little-endian) that tcpdump, tshark and Wireshark open. */

/** One packet to write: epoch ms, link type, captured bytes and the length it had on the wire. */
export type StoredPacket = { ts: number; linkType: number; data: Uint8Array; originalLength: number };

const fileHeaderLength = 24;
const recordHeaderLength = 16;

/** pcap-savefile(5): magic, version 2.4, thiszone 0, sigfigs 0, snaplen, network. */
export const pcapFileHeader = (linkType: number, snaplen = 262_144): Buffer => {
  const header = Buffer.alloc(fileHeaderLength);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(snaplen, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
};

export const pcapRecordHeader = (packet: StoredPacket): Buffer => {
  const header = Buffer.alloc(recordHeaderLength);
  const micros = Math.round(packet.ts * 1000);
  header.writeUInt32LE(Math.floor(micros / 1e6), 0);
  header.writeUInt32LE(micros % 1e6, 4);
  header.writeUInt32LE(packet.data.length, 8);
  header.writeUInt32LE(Math.max(packet.originalLength, packet.data.length), 12);
  return header;
};

/**
 * A whole pcap file. A pcap file has one link type, so packets of another link type than the first are
 * left out and counted (a capture on `any` has one; only a mixed source would differ).
 */
export const writePcap = (
  packets: readonly StoredPacket[],
): { bytes: Buffer; packets: number; skipped: number } => {
  const linkType = packets[0]?.linkType ?? 1;
  const parts: Buffer[] = [pcapFileHeader(linkType)];
  let written = 0;
  for (const packet of packets) {
    if (packet.linkType !== linkType) continue;
    parts.push(
      pcapRecordHeader(packet),
      Buffer.from(packet.data.buffer, packet.data.byteOffset, packet.data.length),
    );
    written += 1;
  }
  return { bytes: Buffer.concat(parts), packets: written, skipped: packets.length - written };
};
