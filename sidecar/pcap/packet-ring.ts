/** The recent past: a ring of copied packets bounded by total bytes and by age, so a capture can look back. */
import type { StoredPacket } from './pcap-writer.ts';

export type PacketRing = {
  /** Copies the packet in (capture buffers are reused) and evicts what falls outside the bounds. */
  push(packet: StoredPacket): void;
  /** Packets with ts ≥ sinceMs, oldest first. */
  since(sinceMs: number): StoredPacket[];
  stats(): { packets: number; bytes: number; evicted: number };
};

export type RingLimits = { maxBytes: number; maxSeconds: number };

/** Per-packet bookkeeping counted against the byte budget, so millions of tiny packets cannot exceed it. */
const overhead = 64;

export const createPacketRing = (limits: RingLimits): PacketRing => {
  let items: StoredPacket[] = [];
  let head = 0;
  let bytes = 0;
  let evicted = 0;
  const sizeOf = (packet: StoredPacket) => packet.data.length + overhead;

  const evict = (newest: number) => {
    const oldestAllowed = newest - limits.maxSeconds * 1000;
    while (head < items.length) {
      const first = items[head] as StoredPacket;
      if (bytes <= limits.maxBytes && first.ts >= oldestAllowed) break;
      bytes -= sizeOf(first);
      head += 1;
      evicted += 1;
    }
    // Compact now and then so the array does not grow without bound.
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };

  return {
    push(packet) {
      const copy: StoredPacket = { ...packet, data: Uint8Array.prototype.slice.call(packet.data) };
      items.push(copy);
      bytes += sizeOf(copy);
      evict(packet.ts);
    },
    since(sinceMs) {
      const out: StoredPacket[] = [];
      for (let index = head; index < items.length; index++) {
        const packet = items[index] as StoredPacket;
        if (packet.ts >= sinceMs) out.push(packet);
      }
      return out;
    },
    stats: () => ({ packets: items.length - head, bytes, evicted }),
  };
};
