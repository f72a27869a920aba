/** pcapng files: sections in either byte order, interfaces with their own link type and resolution, EPB/SPB/PB. */
import { u16, u16le, u32, u32le } from '../decode/byte-reader.ts';
import type { CaptureFormat, CaptureSink } from './capture-problem.ts';

/** Block types (draft-ietf-opsawg-pcapng section 4 and appendix). */
const sectionHeader = 0x0a0d0d0a;
const interfaceDescription = 1;
const obsoletePacket = 2;
const simplePacket = 3;
const enhancedPacket = 6;
const byteOrderMagic = 0x1a2b3c4d;
const knownTypes = new Set([
  sectionHeader,
  interfaceDescription,
  obsoletePacket,
  simplePacket,
  4,
  5,
  enhancedPacket,
  0xa,
]);
const hardLimit = 16 * 1024 * 1024;

type Interface = { linkType: number; snapLength: number; unitsPerSecond: number; offsetSeconds: number };

export const isPcapngMagic = (bytes: Uint8Array): boolean => u32(bytes, 0) === sectionHeader;

/** Applies one interface option: if_tsresol (9) and if_tsoffset (14), section 4.2. */
const applyOption = (iface: Interface, block: Uint8Array, at: number, little: boolean): void => {
  const code = (little ? u16le : u16)(block, at);
  const length = (little ? u16le : u16)(block, at + 2);
  if (code === 9 && length >= 1) {
    const resolution = block[at + 4] as number;
    // Most significant bit set: a negative power of two, else a negative power of ten.
    iface.unitsPerSecond = resolution & 0x80 ? 2 ** (resolution & 0x7f) : 10 ** resolution;
  } else if (code === 14 && length >= 8) {
    const r32 = little ? u32le : u32;
    const high = r32(block, little ? at + 8 : at + 4);
    const low = r32(block, little ? at + 4 : at + 8);
    iface.offsetSeconds = (high | 0) * 4294967296 + low;
  }
};

const readInterface = (block: Uint8Array, little: boolean): Interface => {
  const r16 = little ? u16le : u16;
  const iface = {
    linkType: r16(block, 8),
    snapLength: (little ? u32le : u32)(block, 12),
    unitsPerSecond: 1e6,
    offsetSeconds: 0,
  };
  for (let at = 16; at + 4 <= block.length - 4; at += 4 + ((r16(block, at + 2) + 3) & ~3)) {
    if (r16(block, at) === 0) break;
    applyOption(iface, block, at, little);
  }
  return iface;
};

/** A section header's byte-order magic tells the byte order of the whole section (section 4.1). */
const sectionByteOrder = (bytes: Uint8Array, at: number): boolean | undefined => {
  if (u32le(bytes, at + 8) === byteOrderMagic) return true;
  return u32(bytes, at + 8) === byteOrderMagic ? false : undefined;
};

const blockTypeAt = (bytes: Uint8Array, at: number, little: boolean): number =>
  (little ? u32le : u32)(bytes, at);

export const createPcapngFormat = (): CaptureFormat => {
  let little = true;
  let interfaces: Interface[] = [];
  let lastTs = 0;
  let corruptAt = -1;

  const emit = (
    block: Uint8Array,
    ifaceId: number,
    tsAt: number,
    dataAt: number,
    captured: number,
    original: number,
    offset: number,
    sink: CaptureSink,
  ): void => {
    const iface = interfaces[ifaceId];
    if (iface === undefined) {
      sink.problem({ offset, reason: `packet block for undeclared interface ${ifaceId}`, fatal: false });
      return;
    }
    if (dataAt + captured > block.length - 4) {
      sink.problem({
        offset,
        reason: `packet block's captured length ${captured} exceeds the block`,
        fatal: false,
      });
      return;
    }
    if (tsAt >= 0) {
      const r32 = little ? u32le : u32;
      const units = r32(block, tsAt) * 4294967296 + r32(block, tsAt + 4);
      lastTs = (units / iface.unitsPerSecond + iface.offsetSeconds) * 1000;
    }
    sink.record(lastTs, iface.linkType, block.subarray(dataAt, dataAt + captured), original, offset);
  };

  /** Section 4.3 (EPB), 4.4 (SPB), appendix A (obsolete PB). */
  const packetBlock = (type: number, block: Uint8Array, offset: number, sink: CaptureSink): void => {
    const r32 = little ? u32le : u32;
    if (type === enhancedPacket) {
      emit(block, r32(block, 8), 12, 28, r32(block, 20), r32(block, 24), offset, sink);
    } else if (type === obsoletePacket) {
      emit(block, (little ? u16le : u16)(block, 8), 12, 28, r32(block, 20), r32(block, 24), offset, sink);
    } else {
      const original = r32(block, 8);
      const snap = interfaces[0]?.snapLength || Number.POSITIVE_INFINITY;
      emit(block, 0, -1, 12, Math.min(original, block.length - 16, snap), original, offset, sink);
    }
  };

  const handle = (block: Uint8Array, offset: number, sink: CaptureSink): void => {
    const type = blockTypeAt(block, 0, little);
    if (type === sectionHeader) interfaces = [];
    else if (type === interfaceDescription) interfaces.push(readInterface(block, little));
    else if (type === enhancedPacket || type === simplePacket || type === obsoletePacket)
      packetBlock(type, block, offset, sink);
  };

  /** A section header sets the byte order of what follows; false when its magic is wrong. */
  const adoptByteOrder = (bytes: Uint8Array, at: number): boolean => {
    if (u32(bytes, at) !== sectionHeader) return true;
    const order = sectionByteOrder(bytes, at);
    if (order !== undefined) little = order;
    return order !== undefined;
  };

  /** Length of a well-formed block at `at`, 0 when more bytes are needed, -1 when the block is corrupt. */
  const blockLength = (bytes: Uint8Array, at: number): number => {
    if (at + 12 > bytes.length) return 0;
    if (!adoptByteOrder(bytes, at)) return -1;
    const r32 = little ? u32le : u32;
    const total = r32(bytes, at + 4);
    if (total < 12 || total % 4 !== 0 || total > hardLimit) return -1;
    if (at + total > bytes.length) return 0;
    return r32(bytes, at + total - 4) === total ? total : -1;
  };

  /** Finds the next well-formed block of a known type after corruption: index, or -1 and where to resume. */
  const resync = (bytes: Uint8Array, from: number): { found: number; waitAt: number } => {
    const saved = little;
    for (let at = from; at + 12 <= bytes.length; at++) {
      if (!knownTypes.has(blockTypeAt(bytes, at, little))) continue;
      const length = blockLength(bytes, at);
      if (length > 0) return { found: at, waitAt: at };
      little = saved;
      if (length === 0) return { found: -1, waitAt: at };
    }
    return { found: -1, waitAt: Math.max(from, bytes.length - 11) };
  };

  const parse = (bytes: Uint8Array, base: number, sink: CaptureSink): number => {
    let at = 0;
    while (at + 12 <= bytes.length) {
      if (corruptAt >= 0) {
        const { found, waitAt } = resync(bytes, at);
        if (found < 0) return waitAt;
        sink.problem({
          offset: corruptAt,
          reason: `corrupt pcapng block; skipped ${base + found - corruptAt} bytes to the next valid block at byte offset ${base + found}`,
          fatal: false,
        });
        corruptAt = -1;
        at = found;
      }
      const length = blockLength(bytes, at);
      if (length === 0) break;
      if (length < 0) {
        corruptAt = base + at;
        at += 1;
        continue;
      }
      handle(bytes.subarray(at, at + length), base + at, sink);
      at += length;
    }
    return at;
  };

  return {
    parse,
    end(rest, base, sink) {
      if (corruptAt >= 0) {
        sink.problem({
          offset: corruptAt,
          reason: 'corrupt pcapng block with no valid block after it',
          fatal: true,
        });
      } else if (rest.length > 0) {
        sink.problem({
          offset: base,
          reason: `capture ends inside a block (${rest.length} bytes left over)`,
          fatal: true,
        });
      }
    },
  };
};
