/** SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2; SSL 2.0 draft §2.5): detection and parsing. */
import type { Detection } from './protocol.ts';
import type { ClientHello } from './tls-client-hello.ts';

const knownVersions = new Set([0x0002, 0x0300, 0x0301, 0x0302, 0x0303]);
const headerLength = 11;
const maxSpecs = 256;

type V2Header = {
  length: number;
  version: number;
  cipherSpecs: number;
  sessionId: number;
  challenge: number;
};

/** The 2-octet record header (high bit set) and the fixed CLIENT-HELLO fields. */
const readHeader = (b: Uint8Array): V2Header => ({
  length: (((b[0] ?? 0) & 0x7f) << 8) | (b[1] ?? 0),
  version: ((b[3] ?? 0) << 8) | (b[4] ?? 0),
  cipherSpecs: ((b[5] ?? 0) << 8) | (b[6] ?? 0),
  sessionId: ((b[7] ?? 0) << 8) | (b[8] ?? 0),
  challenge: ((b[9] ?? 0) << 8) | (b[10] ?? 0),
});

/** Consistent when msg type is 1, version known, specs a multiple of 3, session id 0 or 16, challenge 16..32. */
export const detectSslv2Hello = (b: Uint8Array): Detection => {
  if (b.length > 0 && ((b[0] ?? 0) & 0x80) === 0) return 'no-match';
  if (b.length > 2 && b[2] !== 1) return 'no-match';
  if (b.length < headerLength) return 'need-more';
  const h = readHeader(b);
  const consistent =
    knownVersions.has(h.version) &&
    h.cipherSpecs > 0 &&
    h.cipherSpecs % 3 === 0 &&
    (h.sessionId === 0 || h.sessionId === 16) &&
    h.challenge >= 16 &&
    h.challenge <= 32 &&
    h.length === 9 + h.cipherSpecs + h.sessionId + h.challenge;
  return consistent ? 'match' : 'no-match';
};

/** Total octets of the hello (header included) when `b` starts with one, else undefined. */
export const sslv2HelloLength = (b: Uint8Array): number | undefined =>
  detectSslv2Hello(b) === 'match' ? 2 + readHeader(b).length : undefined;

/** Cipher specs are 3-octet values; there are no extensions in SSL 2.0. */
export const parseSslv2Hello = (b: Uint8Array): ClientHello => {
  const h = readHeader(b);
  const ciphers: number[] = [];
  for (let at = headerLength; at + 3 <= headerLength + h.cipherSpecs && ciphers.length < maxSpecs; at += 3) {
    ciphers.push(((b[at] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0));
  }
  return {
    legacyVersion: h.version,
    ciphers,
    extensions: [],
    groups: [],
    pointFormats: [],
    versions: [],
    signatureAlgorithms: [],
    alpn: [],
  };
};
