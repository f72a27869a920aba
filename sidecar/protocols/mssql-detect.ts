/**
 * Microsoft SQL Server's Tabular Data Stream (MS-TDS, TDS 7.x), from the PRELOGIN exchange every TDS 7 connection
 * opens with: the client's PRELOGIN packet (type 0x12) and the server's answer (a tabular packet, type 0x04, carrying
 * the same option table). TDS 8 (SQL Server 2022 strict encryption) starts with TLS instead and is detected as TLS.
 *
 * A packet header (MS-TDS 2.2.3.1) is: type, status (0x01 end of message, 0x02 ignore, 0x08 and 0x10 reset the
 * connection), a big-endian length that includes the header, the server process id, a packet id and a window octet
 * (always 0). A PRELOGIN option table (2.2.6.5) is a list of (token, big-endian offset, big-endian length) ending in
 * 0xff, VERSION (token 0, six octets) first, each option's data inside the packet.
 */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { u16be } from './wire-bytes.ts';

export const tdsHeaderLength = 8;
/** The largest packet size a client may negotiate (MS-TDS 2.2.6.4, PacketSize). */
export const tdsMaxPacket = 32_767;
export const tdsPrelogin = 0x12;
export const tdsTabular = 0x04;

/** Packet types a client or server sends (MS-TDS 2.2.3.1.1). */
const packetTypes = new Set([0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x08, 0x0e, 0x10, 0x11, 0x12]);
export const isTdsHeader = (b: Uint8Array, at = 0): boolean => {
  const length = u16be(b, at + 2);
  return (
    packetTypes.has(b[at] as number) &&
    ((b[at + 1] as number) & ~0x1b) === 0 &&
    length >= tdsHeaderLength &&
    length <= tdsMaxPacket &&
    b[at + 7] === 0
  );
};

const maxOptions = 16;
const versionToken = 0x00;
const terminator = 0xff;

/** The option table of a PRELOGIN payload `[start, end)` holds together: VERSION first, every option inside. */
export const preloginTableOk = (b: Uint8Array, start: number, end: number): boolean => {
  if (b[start] !== versionToken) return false;
  let at = start;
  for (let option = 0; option < maxOptions; option++) {
    const token = b[at];
    if (token === terminator) return true;
    if (token === undefined || token > 0x0f || at + 5 > end) return false;
    const offset = u16be(b, at + 1);
    const length = u16be(b, at + 3);
    if (token === versionToken && length !== 6) return false;
    if (start + offset + length > end || offset < at + 5 - start) return false;
    at += 5;
  }
  return false;
};

/** Octets of the header that can be judged before the whole packet is there. */
const headerSoFar = (b: Uint8Array, type: number, toServer: boolean): boolean => {
  if (b[0] !== type) return false;
  if (b.length > 1 && b[1] !== 0x01) return false;
  if (toServer && ((b.length > 4 && b[4] !== 0) || (b.length > 5 && b[5] !== 0))) return false;
  if (b.length > 6 && (b[6] as number) > 1) return false;
  return b.length <= 7 || b[7] === 0;
};

export const detectMssql = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length === 0) return 'need-more';
  const toServer = direction === 'to-server';
  if (!headerSoFar(b, toServer ? tdsPrelogin : tdsTabular, toServer)) return 'no-match';
  if (b.length < 4) return 'need-more';
  const length = u16be(b, 2);
  // The shortest table: VERSION's entry, the terminator and its six octets.
  if (length < tdsHeaderLength + 12 || length > tdsMaxPacket) return 'no-match';
  if (b.length < length) return 'need-more';
  return preloginTableOk(b, tdsHeaderLength, length) ? 'match' : 'no-match';
};
