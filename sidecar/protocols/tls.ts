/** TLS (RFC 8446, RFC 5246): a handshake record holding a ClientHello or ServerHello, or an SSL 2.0 ClientHello. */
import type { Direction } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { detectSslv2Hello } from './tls-sslv2.ts';
import { createTlsStream } from './tls-stream.ts';

/** Minimum ClientHello / ServerHello body: version (2) + random (32) + session id length (1) + more. */
const minHelloBody = 38;

/** Record header (§5.1) then handshake header (§4): type 22, version 3.x, length, msg type, 24-bit length, hello version 3.x. */
const detectHandshake = (b: Uint8Array, helloType: number): Detection => {
  const checks: readonly ((x: number) => boolean)[] = [
    (x) => x === 22,
    (x) => x === 3,
    (x) => x <= 4,
    () => true,
    () => true,
    (x) => x === helloType,
    (x) => x === 0,
    () => true,
    () => true,
    (x) => x === 3,
    (x) => x <= 4,
  ];
  for (let i = 0; i < checks.length; i += 1) {
    const x = b[i];
    if (x === undefined) return 'need-more';
    if (!checks[i]?.(x)) return 'no-match';
  }
  const recordLength = ((b[3] ?? 0) << 8) | (b[4] ?? 0);
  const helloLength = ((b[7] ?? 0) << 8) | (b[8] ?? 0);
  return recordLength > 4 && recordLength <= 16384 && helloLength >= minHelloBody ? 'match' : 'no-match';
};

/** §6: a server may answer with a plaintext alert record: level 1 or 2, a two-octet body. */
const detectAlert = (b: Uint8Array): Detection => {
  const expected = [21, 3, undefined, 0, 2];
  for (let i = 0; i < 7; i += 1) {
    const x = b[i];
    if (x === undefined) return 'need-more';
    const want = expected[i];
    if (want !== undefined && x !== want) return 'no-match';
    if (i === 2 && x > 4) return 'no-match';
    if (i === 5 && x !== 1 && x !== 2) return 'no-match';
  }
  return 'match';
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
    direction === 'to-server'
      ? combine(detectHandshake(bytes, 1), detectSslv2Hello(bytes))
      : combine(detectHandshake(bytes, 2), detectAlert(bytes)),
  createParser: createTlsStream,
};
