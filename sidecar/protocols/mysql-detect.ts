/** MySQL/MariaDB detection: the server's HandshakeV10 greeting, the client's handshake response, or a COM_QUERY. */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { indexOfNul, isPrintable, latin1, u16le, u24le, u32le } from './wire-bytes.ts';

// Capability flags (MySQL source docs, "Capabilities Flags").
export const clientProtocol41 = 0x0200;
export const clientSsl = 0x0800;

/** A packet (MySQL docs, "MySQL Packets"): int<3> payload length, int<1> sequence id, payload. */
const header = (b: Uint8Array): { length: number; seq: number } => ({ length: u24le(b, 0), seq: b[3] ?? -1 });

const greetingPrefix = (b: Uint8Array): Detection =>
  b.length < 4 || (b[3] === 0 && (b.length < 5 || b[4] === 0x0a)) ? 'need-more' : 'no-match';

/** After the version: thread id (4), salt (8), a 0x00 filler, caps (2), charset, status (2), caps (2), salt length,
 * then 10 reserved bytes, of which MariaDB uses the last 4 for its extended capabilities. */
const greetingTail = (b: Uint8Array, nul: number, end: number): Detection => {
  if (nul + 14 > end) return 'no-match';
  if (b.length < end) return 'need-more';
  const filler = nul + 13;
  const reserved = b.subarray(filler + 9, Math.min(filler + 15, end));
  return b[filler] === 0 && reserved.every((x) => x === 0) ? 'match' : 'no-match';
};

/** Protocol::HandshakeV10: 0x0a, server version (NUL-terminated), thread id, 8 bytes of salt, a 0x00 filler, ... */
const detectGreeting = (b: Uint8Array): Detection => {
  if (b.length < 6) return greetingPrefix(b);
  const { length, seq } = header(b);
  if (seq !== 0 || b[4] !== 0x0a || length < 18 || length > 1024) return 'no-match';
  const end = 4 + length;
  // Version strings start with a digit: "8.0.36", "5.5.5-10.6.12-MariaDB-...".
  const b5 = b[5] ?? 0;
  if (b5 < 0x30 || b5 > 0x39) return 'no-match';
  const limit = Math.min(end, 5 + 64);
  const nul = indexOfNul(b, 5, limit);
  if (nul < 0) return b.length < limit && isPrintable(b, 5, b.length) ? 'need-more' : 'no-match';
  return isPrintable(b, 5, nul) ? greetingTail(b, nul, end) : 'no-match';
};

/** An ERR packet instead of a greeting ("Host ... is not allowed to connect", "Too many connections"). */
const detectGreetingError = (b: Uint8Array): Detection => {
  const { length, seq } = header(b);
  const code = u16le(b, 5);
  if (seq !== 0 || length < 4 || length > 1024 || code < 1000 || code >= 2000) return 'no-match';
  if (b.length < 4 + length) return isPrintable(b, 7, b.length) ? 'need-more' : 'no-match';
  return isPrintable(b, 7, 4 + length) ? 'match' : 'no-match';
};

/**
 * Protocol::HandshakeResponse41 (or SSLRequest): capabilities with PROTOCOL_41, max packet, charset, 23 filler
 * bytes (MariaDB puts its extended capabilities in the last 4, so only 19 must be zero).
 */
const detectResponse = (b: Uint8Array): Detection => {
  const { length } = header(b);
  if (length < 32 || length > 65_535) return 'no-match';
  if (b.length < 32) return b.subarray(13).every((x) => x === 0) ? 'need-more' : 'no-match';
  const caps = u32le(b, 4);
  return (caps & clientProtocol41) !== 0 && b.subarray(13, 32).every((x) => x === 0) ? 'match' : 'no-match';
};

const sqlStart =
  /^\s*(select|insert|update|delete|replace|set|show|use|begin|commit|rollback|start|create|drop|alter|call|explain|describe|desc|grant|revoke|truncate|lock|unlock|flush|kill|load|with|prepare|execute|analyze|optimize|savepoint|release|do|handler)\b/i;

/** COM_QUERY picked up mid-stream: sequence 0, command 0x03, a whole packet of printable SQL. */
const detectQuery = (b: Uint8Array): Detection => {
  const { length } = header(b);
  if (length < 2 || length > 1_000_000) return 'no-match';
  const end = 4 + length;
  const head = latin1(b, 5, Math.min(end, 5 + 32));
  if (!isPrintable(b, 5, Math.min(end, b.length), true)) return 'no-match';
  if (b.length < end) return b.length - 5 < 16 || sqlStart.test(head) ? 'need-more' : 'no-match';
  return sqlStart.test(head) ? 'match' : 'no-match';
};

export const detectMysql = (b: Uint8Array, direction: Direction): Detection => {
  if (direction === 'to-client')
    return b.length >= 5 && b[4] === 0xff ? detectGreetingError(b) : detectGreeting(b);
  if (b.length < 5) return b.length < 4 || b[3] === 0 || b[3] === 1 ? 'need-more' : 'no-match';
  if (b[3] === 1) return detectResponse(b);
  return b[3] === 0 && b[4] === 0x03 ? detectQuery(b) : 'no-match';
};
