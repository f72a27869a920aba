/** Test helper: writes small pcap and pcapng files byte by byte, in either byte order and timestamp resolution. */

export type BuiltPacket = { ts: number; data: Uint8Array; originalLength?: number; iface?: number };

const writer = (little: boolean) => {
  const parts: number[] = [];
  const u16 = (value: number) => {
    const bytes = [(value >>> 8) & 0xff, value & 0xff];
    parts.push(...(little ? bytes.reverse() : bytes));
  };
  const u32 = (value: number) => {
    const bytes = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
    parts.push(...(little ? bytes.reverse() : bytes));
  };
  const raw = (bytes: Iterable<number>) => {
    for (const byte of bytes) parts.push(byte);
  };
  return { u16, u32, raw, bytes: () => Uint8Array.from(parts), length: () => parts.length };
};

/** Classic pcap (pcap-savefile(5)): magic a1b2c3d4 (µs) or a1b23c4d (ns), written in the chosen byte order. */
export const buildPcap = (options: {
  little?: boolean;
  nano?: boolean;
  linkType?: number;
  snapLength?: number;
  packets: readonly BuiltPacket[];
}): Uint8Array => {
  const w = writer(options.little ?? true);
  w.u32(options.nano ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2);
  w.u16(4);
  w.u32(0);
  w.u32(0);
  w.u32(options.snapLength ?? 262144);
  w.u32(options.linkType ?? 1);
  for (const packet of options.packets) {
    const seconds = Math.floor(packet.ts / 1000);
    const fraction = options.nano
      ? Math.round((packet.ts - seconds * 1000) * 1e6)
      : Math.round((packet.ts - seconds * 1000) * 1e3);
    w.u32(seconds);
    w.u32(fraction);
    w.u32(packet.data.length);
    w.u32(packet.originalLength ?? packet.data.length);
    w.raw(packet.data);
  }
  return w.bytes();
};

export type BuiltInterface = { linkType: number; tsresol?: number; snapLength?: number };

const pad4 = (length: number) => (4 - (length % 4)) % 4;

/** pcapng (draft-ietf-opsawg-pcapng): SHB, one IDB per interface (with if_tsresol), then EPBs; optional extra blocks. */
export const buildPcapng = (options: {
  little?: boolean;
  interfaces: readonly BuiltInterface[];
  packets: readonly BuiltPacket[];
  /** Blocks of unknown type to put before the packets, to check they are skipped. */
  unknownBlocks?: number;
  simple?: boolean;
}): Uint8Array => {
  const little = options.little ?? true;
  const w = writer(little);
  const block = (type: number, body: (b: ReturnType<typeof writer>) => void) => {
    const inner = writer(little);
    body(inner);
    const content = inner.bytes();
    const total = 12 + content.length + pad4(content.length);
    w.u32(type);
    w.u32(total);
    w.raw(content);
    w.raw(new Uint8Array(pad4(content.length)));
    w.u32(total);
  };
  block(0x0a0d0d0a, (b) => {
    b.u32(0x1a2b3c4d);
    b.u16(1);
    b.u16(0);
    b.u32(0xffffffff);
    b.u32(0xffffffff);
  });
  for (const iface of options.interfaces) {
    block(1, (b) => {
      b.u16(iface.linkType);
      b.u16(0);
      b.u32(iface.snapLength ?? 262144);
      if (iface.tsresol !== undefined) {
        b.u16(9);
        b.u16(1);
        b.raw([iface.tsresol, 0, 0, 0]);
      }
      b.u16(0);
      b.u16(0);
    });
  }
  for (let i = 0; i < (options.unknownBlocks ?? 0); i++) block(0x0bad, (b) => b.u32(0xdeadbeef));
  for (const packet of options.packets) {
    if (options.simple) {
      block(3, (b) => {
        b.u32(packet.originalLength ?? packet.data.length);
        b.raw(packet.data);
      });
      continue;
    }
    const iface = options.interfaces[packet.iface ?? 0];
    const resolution = iface?.tsresol ?? 6;
    const units = BigInt(Math.round(packet.ts * 10 ** (resolution - 3)));
    block(6, (b) => {
      b.u32(packet.iface ?? 0);
      b.u32(Number(units >> 32n));
      b.u32(Number(units & 0xffffffffn));
      b.u32(packet.data.length);
      b.u32(packet.originalLength ?? packet.data.length);
      b.raw(packet.data);
      b.raw(new Uint8Array(pad4(packet.data.length)));
    });
  }
  return w.bytes();
};
