/** HTTP/2 cleartext with prior knowledge (RFC 9113 §3.3): the client preface, or the server's first SETTINGS. */
import type { Direction, ProtocolEvent } from '../events.ts';
import { frameHeaderLength, frameType, isPlausibleSettings, readFrameHeader } from './http2-frame.ts';
import { createHttp2Session, http2Preface } from './http2-session.ts';
import type { Detection, Protocol } from './protocol.ts';

/** Largest initial server SETTINGS we wait for: every defined setting (§6.5.2 and extensions) a few times over. */
const maxInitialSettings = 96;

const detectClient = (bytes: Uint8Array): Detection => {
  const n = Math.min(bytes.length, http2Preface.length);
  for (let i = 0; i < n; i += 1) if (bytes[i] !== http2Preface[i]) return 'no-match';
  return bytes.length >= http2Preface.length ? 'match' : 'need-more';
};

/** §3.4: the server's preface is a SETTINGS frame (type 4, no ACK flag, stream 0) that must be its first frame. */
const detectServer = (bytes: Uint8Array): Detection => {
  const fixed: readonly (number | undefined)[] = [0, undefined, undefined, frameType.settings, 0, 0, 0, 0, 0];
  for (let i = 0; i < Math.min(bytes.length, frameHeaderLength); i += 1) {
    const expected = fixed[i];
    if (expected !== undefined && bytes[i] !== expected) return 'no-match';
  }
  if (bytes.length < frameHeaderLength) return 'need-more';
  const header = readFrameHeader(bytes, 0);
  if (header.length % 6 !== 0 || header.length > maxInitialSettings) return 'no-match';
  if (bytes.length < frameHeaderLength + header.length) return 'need-more';
  return isPlausibleSettings(bytes.subarray(frameHeaderLength, frameHeaderLength + header.length))
    ? 'match'
    : 'no-match';
};

export const http2: Protocol = {
  id: 'http2',
  transport: 'tcp',
  ports: [80, 8080],
  encrypted: false,
  detect: (bytes: Uint8Array, direction: Direction): Detection =>
    direction === 'to-server' ? detectClient(bytes) : detectServer(bytes),
  createParser() {
    const session = createHttp2Session();
    return {
      parse(chunk, direction, ts) {
        const out: ProtocolEvent[] = [];
        session.feed(chunk, direction, ts, out);
        return out;
      },
      gap(direction, lost) {
        const out: ProtocolEvent[] = [];
        session.gap(direction, lost, out);
        return out;
      },
      pass: (direction) => session.pass(direction),
    };
  },
};
