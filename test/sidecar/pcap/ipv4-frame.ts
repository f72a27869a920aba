/** Builds Ethernet/IPv4/TCP or UDP frames by hand (RFC 791, 793, 768), for pcap tests that need known packets. */

const ipBytes = (ip: string) => ip.split('.').map(Number);

const checksum = (bytes: Uint8Array): number => {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
};

export type FrameSpec = {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  transport?: 'tcp' | 'udp';
  payload?: string;
  seq?: number;
  /** TCP flags; PSH|ACK by default. */
  flags?: number;
};

export const ipv4Frame = (spec: FrameSpec): Uint8Array => {
  const payload = Buffer.from(spec.payload ?? '');
  const udp = spec.transport === 'udp';
  const l4Length = (udp ? 8 : 20) + payload.length;
  const frame = Buffer.alloc(14 + 20 + l4Length);
  frame.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1], 0);
  frame.writeUInt16BE(0x0800, 12);
  const ip = 14;
  frame[ip] = 0x45;
  frame.writeUInt16BE(20 + l4Length, ip + 2);
  frame.writeUInt16BE(0x4000, ip + 6);
  frame[ip + 8] = 64;
  frame[ip + 9] = udp ? 17 : 6;
  frame.set(ipBytes(spec.src), ip + 12);
  frame.set(ipBytes(spec.dst), ip + 16);
  frame.writeUInt16BE(checksum(frame.subarray(ip, ip + 20)), ip + 10);
  const l4 = ip + 20;
  frame.writeUInt16BE(spec.srcPort, l4);
  frame.writeUInt16BE(spec.dstPort, l4 + 2);
  if (udp) {
    frame.writeUInt16BE(l4Length, l4 + 4);
  } else {
    frame.writeUInt32BE(spec.seq ?? 1000, l4 + 4);
    frame[l4 + 12] = 0x50;
    frame[l4 + 13] = spec.flags ?? 0x18;
    frame.writeUInt16BE(65535, l4 + 14);
  }
  frame.set(payload, l4 + (udp ? 8 : 20));
  return frame;
};
