/** Classic libpcap files: both byte orders, micro- and nanosecond magic; resynchronises after a corrupt record header. */
import { u32, u32le } from '../decode/byte-reader.ts';
import type { CaptureFormat, CaptureSink } from './capture-problem.ts';

/** Global header and record header sizes (pcap-savefile(5); draft-ietf-opsawg-pcap section 4 and 5). */
const fileHeaderLength = 24;
const recordHeaderLength = 16;
/** tcpdump's largest snap length is 262144; accept up to 16 MiB for odd writers, never more. */
const hardLimit = 16 * 1024 * 1024;

type Header = { little: boolean; nano: boolean; linkType: number; limit: number };

const magics = new Map<number, { little: boolean; nano: boolean }>([
  [0xa1b2c3d4, { little: false, nano: false }],
  [0xa1b23c4d, { little: false, nano: true }],
  [0xd4c3b2a1, { little: true, nano: false }],
  [0x4d3cb2a1, { little: true, nano: true }],
]);

export const isPcapMagic = (bytes: Uint8Array): boolean => magics.has(u32(bytes, 0));

const readHeader = (bytes: Uint8Array): Header | undefined => {
  const magic = magics.get(u32(bytes, 0));
  if (magic === undefined) return undefined;
  const read = magic.little ? u32le : u32;
  // The link type is the low 16 bits; the upper bits may carry FCS information (draft section 4, LinkType).
  const linkType = read(bytes, 20) & 0xffff;
  const limit = Math.min(Math.max(read(bytes, 16), 262_144), hardLimit);
  // A literal of one fixed shape, not a spread of `magic`: a spread's map is made per call and dies with the reader,
  // so a reader for the next file had a new map, and the optimized record loop was thrown away for it.
  return { little: magic.little, nano: magic.nano, linkType, limit };
};

/** A record header that a real writer could have produced: used only to find the next record after corruption. */
const plausible = (bytes: Uint8Array, at: number, header: Header, lastSecond: number): boolean => {
  const read = header.little ? u32le : u32;
  const included = read(bytes, at + 8);
  const original = read(bytes, at + 12);
  const fraction = read(bytes, at + 4);
  const second = read(bytes, at);
  if (included <= 0 || included > header.limit || original < included || original > hardLimit) return false;
  if (second <= 0) return false;
  if (fraction >= (header.nano ? 1e9 : 1e6)) return false;
  return lastSecond < 0 || Math.abs(second - lastSecond) <= 86_400;
};

/** Where a record starting at `at` ends, from its captured length. */
const recordEnd = (bytes: Uint8Array, at: number, header: Header): number =>
  at + recordHeaderLength + ((header.little ? u32le : u32)(bytes, at + 8) as number);

/** Scans for the next plausible record: its index, or -1 with `waitAt` = where to resume when more bytes come. */
const resync = (
  bytes: Uint8Array,
  from: number,
  h: Header,
  lastSecond: number,
): { found: number; waitAt: number } => {
  for (let at = from; at + recordHeaderLength <= bytes.length; at++) {
    if (!plausible(bytes, at, h, lastSecond)) continue;
    const next = recordEnd(bytes, at, h);
    if (next + recordHeaderLength > bytes.length && next !== bytes.length) return { found: -1, waitAt: at };
    if (next === bytes.length || plausible(bytes, next, h, lastSecond)) return { found: at, waitAt: at };
  }
  return { found: -1, waitAt: Math.max(from, bytes.length - recordHeaderLength + 1) };
};

export const createPcapFormat = (): CaptureFormat => {
  let header: Header | undefined;
  let lastSecond = -1;
  /** File offset of a corrupt record header while looking for the next valid one, else -1. */
  let corruptAt = -1;

  /** After corruption: the index to continue at, or -1 - (index to wait at) when more bytes are needed. */
  const recover = (bytes: Uint8Array, at: number, base: number, h: Header, sink: CaptureSink): number => {
    const { found, waitAt } = resync(bytes, at, h, lastSecond);
    if (found < 0) return -1 - waitAt;
    sink.problem({
      offset: corruptAt,
      reason: `corrupt pcap record header; skipped ${base + found - corruptAt} bytes to the next valid record at byte offset ${base + found}`,
      fatal: false,
    });
    corruptAt = -1;
    return found;
  };

  /** Reads valid records from `at` until more bytes are needed or a corrupt header (which sets `corruptAt`). */
  const run = (bytes: Uint8Array, from: number, base: number, h: Header, sink: CaptureSink): number => {
    const read = h.little ? u32le : u32;
    let at = from;
    while (at + recordHeaderLength <= bytes.length) {
      if (read(bytes, at + 8) > h.limit) {
        corruptAt = base + at;
        return at + 1;
      }
      const end = recordEnd(bytes, at, h);
      if (end > bytes.length) return at;
      lastSecond = read(bytes, at);
      const fraction = read(bytes, at + 4);
      const ts = lastSecond * 1000 + (h.nano ? fraction / 1e6 : fraction / 1e3);
      sink.record(
        ts,
        h.linkType,
        bytes.subarray(at + recordHeaderLength, end),
        read(bytes, at + 12),
        base + at,
      );
      at = end;
    }
    return at;
  };

  const records = (bytes: Uint8Array, start: number, base: number, h: Header, sink: CaptureSink): number => {
    let at = start;
    for (;;) {
      if (corruptAt >= 0) {
        const next = recover(bytes, at, base, h, sink);
        if (next < 0) return -1 - next;
        at = next;
      }
      at = run(bytes, at, base, h, sink);
      if (corruptAt < 0) return at;
    }
  };

  return {
    parse(bytes, base, sink) {
      if (header === undefined) {
        if (bytes.length < fileHeaderLength) return 0;
        header = readHeader(bytes);
        if (header === undefined) return 0;
        return records(bytes, fileHeaderLength, base, header, sink);
      }
      return records(bytes, 0, base, header, sink);
    },
    end(rest, base, sink) {
      if (header === undefined) {
        sink.problem({ offset: 0, reason: 'file too short for a pcap header', fatal: true });
      } else if (corruptAt >= 0) {
        sink.problem({
          offset: corruptAt,
          reason: 'corrupt pcap record header with no valid record after it',
          fatal: true,
        });
      } else if (rest.length > 0) {
        sink.problem({
          offset: base,
          reason: `capture ends inside a record (${rest.length} bytes left over)`,
          fatal: true,
        });
      }
    },
  };
};
