/**
 * Apache ActiveMQ's OpenWire (`openwire`, usually port 61616): identified by either side's opening WIREFORMAT_INFO
 * (a u32 size, type 1, the magic `ActiveMQ`, a version), or by a client's first frame being a loose-encoded
 * EXCEPTION_RESPONSE (31) or CONNECTION_ERROR (16) that carries a Throwable named by a Java class: the opening of the
 * CVE-2023-46604 exploits, which skip the client's WIREFORMAT_INFO (the broker reads loose frames until negotiation).
 */
import { createOpenWireParser } from './openwire-parser.ts';
import type { Detection, Protocol } from './protocol.ts';
import { u16be, u32be } from './wire-bytes.ts';

const magic = [0x01, 0x41, 0x63, 0x74, 0x69, 0x76, 0x65, 0x4d, 0x51];
/** A WIREFORMAT_INFO's size: type, magic, version, and a properties map at most 64 KiB. */
const minOpening = 13;
const maxOpening = 64 * 1024;

const detectOpening = (b: Uint8Array): Detection => {
  for (let i = 0; i < Math.min(b.length - 4, magic.length); i++) if (b[4 + i] !== magic[i]) return 'no-match';
  if (b.length < 17) return 'need-more';
  const size = u32be(b, 0);
  const version = u32be(b, 13);
  return size >= minOpening && size <= maxOpening && version >= 1 && version <= 64 ? 'match' : 'no-match';
};

/** `0x01` (present) `0x01` (not null), a u16 length, then a dotted Java class name filling it. */
const looseThrowable = (b: Uint8Array, at: number): Detection => {
  if (b.length < at + 4) return 'need-more';
  if (b[at] !== 1 || b[at + 1] !== 1) return 'no-match';
  const length = u16be(b, at + 2);
  if (length < 3 || length > 512 || b.length < at + 4 + length)
    return length > 512 ? 'no-match' : 'need-more';
  const name = Buffer.from(b.subarray(at + 4, at + 4 + length)).toString('latin1');
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(name) ? 'match' : 'no-match';
};

/** An ExceptionResponse (id, flag, correlation id) or ConnectionError (id, flag), loose, with its Throwable. */
const detectThrowing = (b: Uint8Array): Detection => {
  if (b.length < 10) return 'need-more';
  const size = u32be(b, 0);
  if (size < 12 || size > maxOpening || (b[9] ?? 2) > 1) return 'no-match';
  const at = b[4] === 31 ? 14 : 10;
  const found = looseThrowable(b, at);
  // The frame (its size counts from the type octet, at 4) holds the class name and at least the message's flag.
  return found === 'match' && size < at + u16be(b, at + 2) + 1 ? 'no-match' : found;
};

const detect = (b: Uint8Array, direction: string): Detection => {
  if (b.length === 0) return 'need-more';
  // Sizes of a first frame fit in 64 KiB: the two high octets are zero.
  if (b[0] !== 0 || (b.length > 1 && b[1] !== 0)) return 'no-match';
  if (b.length < 5) return 'need-more';
  if (b[4] === 1) return detectOpening(b);
  return direction === 'to-server' && (b[4] === 31 || b[4] === 16) ? detectThrowing(b) : 'no-match';
};

export const openwire: Protocol = {
  id: 'openwire',
  transport: 'tcp',
  ports: [61616],
  encrypted: false,
  detect,
  createParser: createOpenWireParser,
};
