/**
 * The Zabbix protocol's header (Zabbix 6.0 manual, appendix "Header and data length"): `ZBXD`, a flags octet (0x01
 * the Zabbix protocol, 0x02 zlib-compressed data, 0x04 a large packet), the data's length and a reserved length (the
 * data's length once inflated, when compressed), little-endian, 4 octets each or 8 in a large packet; then the data.
 */
import type { Detection } from './protocol.ts';
import { u32le } from './wire-bytes.ts';

export const zabbixMagic = [0x5a, 0x42, 0x58, 0x44]; // ZBXD
export const compressedFlag = 0x02;
export const largeFlag = 0x04;

/**
 * Zabbix's own bounds (include/common.h, ZBX_MAX_RECV_DATA_SIZE and ZBX_MAX_RECV_LARGE_DATA_SIZE): 1 GiB in a
 * packet, 16 GiB in a large one. A length past them is no Zabbix header.
 */
const maxData = 2 ** 30;
const maxLargeData = 16 * 2 ** 30;

export type ZabbixHeader = {
  flags: number;
  headerLength: number;
  dataLength: number;
  inflatedLength: number;
};

/** A little-endian u64 as a number: exact below 2^53, far above the bounds either way. */
const u64le = (b: Uint8Array, o: number): number => u32le(b, o) + u32le(b, o + 4) * 2 ** 32;

/** The lengths after a whole header's flags, when they are within the bounds and suit the flags. */
const lengths = (b: Uint8Array, flags: number): ZabbixHeader | undefined => {
  const large = (flags & largeFlag) !== 0;
  const headerLength = large ? 21 : 13;
  const dataLength = large ? u64le(b, 5) : u32le(b, 5);
  const inflatedLength = large ? u64le(b, 13) : u32le(b, 9);
  const bound = large ? maxLargeData : maxData;
  if (dataLength > bound || inflatedLength > bound) return undefined;
  // Compressed data is a zlib stream (2 octets at least) with somewhere to inflate to.
  if ((flags & compressedFlag) !== 0 && (dataLength < 2 || inflatedLength === 0)) return undefined;
  return { flags, headerLength, dataLength, inflatedLength };
};

/** The header at the start of `b`: `need-more` before it is whole, `no-match` when it is none. */
export const readZabbixHeader = (b: Uint8Array): ZabbixHeader | Exclude<Detection, 'match'> => {
  for (let i = 0; i < Math.min(b.length, 4); i++) if (b[i] !== zabbixMagic[i]) return 'no-match';
  if (b.length < 5) return 'need-more';
  const flags = b[4] ?? 0;
  // 0x01 is always set; no other bits are defined.
  if ((flags & 0x01) === 0 || (flags & ~0x07) !== 0) return 'no-match';
  if (b.length < ((flags & largeFlag) !== 0 ? 21 : 13)) return 'need-more';
  return lengths(b, flags) ?? 'no-match';
};
