/** TLS (RFC 8446, RFC 5246): a handshake record holding a ClientHello or ServerHello, or an SSL 2.0 ClientHello. */
import type { Direction } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { detectSslv2Hello } from './tls-sslv2.ts';
import { createTlsStream } from './tls-stream.ts';

/** Minimum ClientHello / ServerHello body: version (2) + random (32) + session id length (1) + more. */
const minHelloBody = 38;

/** Octet i of a hello's record and handshake headers is fine: `helloType` is 1 (ClientHello) or 2 (ServerHello). */
const handshakeOctetOk = (i: number, x: number, helloType: number): boolean => {
  if (i === 0) return x === 22;
  if (i === 1 || i === 9) return x === 3;
  if (i === 2 || i === 10) return x <= 4;
  if (i === 5) return x === helloType;
  return i !== 6 || x === 0;
};
const handshakeHeaderLength = 11;

/** Record header (§5.1) then handshake header (§4): type 22, version 3.x, length, msg type, 24-bit length, hello version 3.x. */
const detectHandshake = (b: Uint8Array, helloType: number): Detection => {
  for (let i = 0; i < handshakeHeaderLength; i += 1) {
    const x = b[i];
    if (x === undefined) return 'need-more';
    if (!handshakeOctetOk(i, x, helloType)) return 'no-match';
  }
  const recordLength = ((b[3] ?? 0) << 8) | (b[4] ?? 0);
  const helloLength = ((b[7] ?? 0) << 8) | (b[8] ?? 0);
  return recordLength > 4 && recordLength <= 16384 && helloLength >= minHelloBody ? 'match' : 'no-match';
};

/** §5.1: content type 20..24, legacy version 3.0..3.3 (3.4 never appears in records), length ≤ 2^14 + 2048. */
const validRecordHeader = (b: Uint8Array, at: number): boolean => {
  const type = b[at] ?? 0;
  const minor = b[at + 2] ?? 0xff;
  const length = ((b[at + 3] ?? 0) << 8) | (b[at + 4] ?? 0);
  return type >= 20 && type <= 24 && b[at + 1] === 3 && minor <= 3 && length <= 16384 + 2048;
};

/** The first 1..4 octets of a record header. */
const partialRecordHeader = (h: Uint8Array): boolean =>
  (h[0] ?? 20) >= 20 && (h[0] ?? 20) <= 24 && (h[1] ?? 3) === 3 && (h[2] ?? 0) <= 3;

/**
 * A stream picked up mid-connection (or one that starts with an alert): whole records whose headers are
 * valid and whose lengths tile the bytes exactly, or a valid header following at least one whole record.
 */
const detectRecords = (b: Uint8Array): Detection => {
  let at = 0;
  let whole = 0;
  while (b.length - at >= 5) {
    if (!validRecordHeader(b, at)) return 'no-match';
    const next = at + 5 + (((b[at + 3] ?? 0) << 8) | (b[at + 4] ?? 0));
    if (next > b.length) return whole > 0 ? 'match' : 'need-more';
    whole += 1;
    at = next;
  }
  if (at < b.length && !partialRecordHeader(b.subarray(at))) return 'no-match';
  return whole > 0 ? 'match' : 'need-more';
};

const combine = (a: Detection, b: Detection): Detection => {
  if (a === 'match' || b === 'match') return 'match';
  return a === 'need-more' || b === 'need-more' ? 'need-more' : 'no-match';
};

export const tls: Protocol = {
  id: 'tls',
  transport: 'tcp',
  ports: [443, 8443, 993, 995, 465, 636],
  encrypted: true,
  detect: (bytes: Uint8Array, direction: Direction): Detection =>
    combine(
      detectHandshake(bytes, direction === 'to-server' ? 1 : 2),
      direction === 'to-server'
        ? combine(detectSslv2Hello(bytes), detectRecords(bytes))
        : detectRecords(bytes),
    ),
  createParser: createTlsStream,
};
