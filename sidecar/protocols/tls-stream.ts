/** The TLS record layer per direction (RFC 8446 §5.1, RFC 5246 §6.2): records, handshake messages, heartbeats. */
import type { Direction, ProtocolEvent, TlsRecordEvent } from '../events.ts';
import { parseCertificate } from './tls-certificate.ts';
import { clientHelloEvent, parseClientHello } from './tls-client-hello.ts';
import { parseServerHello } from './tls-server-hello.ts';
import { parseSslv2Hello, sslv2HelloLength } from './tls-sslv2.ts';
import { tlsVersionName } from './tls-version.ts';

const contentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
} as const;
/** §5.2: a TLSCiphertext fragment is at most 2^14 + 256 octets (2^14 + 2048 in TLS 1.2). */
const maxRecord = 16384 + 2048;
const maxHandshakeBuffer = 65536;

type Side = {
  direction: Direction;
  pending: Uint8Array;
  skip: number;
  started: boolean;
  stopped: boolean;
  /** After ChangeCipherSpec in this direction, record contents are encrypted. */
  encrypted: boolean;
  handshake: Uint8Array;
  recordVersion: number;
  certificateSeen: boolean;
  /**
   * Octets of a plaintext handshake record were lost: its messages span records, so where the next one starts is not
   * known, and no handshake message of this side is read again. Records still are (alerts, heartbeats).
   */
  handshakeLost: boolean;
};

export type TlsStream = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  /** Octets lost (`lost` when known): skipped inside a record whose header was read, else the direction stops. */
  gap(direction: Direction, lost?: number): void;
};

const empty = new Uint8Array(0);

/** What is left of a buffer, copied (the caller may reuse a chunk's memory once `parse` returns). */
const keepRest = (rest: Uint8Array): Uint8Array => (rest.length === 0 ? empty : rest.slice());

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const newSide = (direction: Direction): Side => ({
  direction,
  pending: empty,
  skip: 0,
  started: false,
  stopped: false,
  encrypted: false,
  handshake: empty,
  recordVersion: 0,
  certificateSeen: false,
  handshakeLost: false,
});

const handshakeType = { clientHello: 1, serverHello: 2, certificate: 11 } as const;

/** ClientHello, ServerHello and Certificate become events; other handshake messages are skipped. */
const handshakeEvent = (
  side: Side,
  type: number,
  body: Uint8Array,
  ts: number,
): ProtocolEvent | undefined => {
  if (type === handshakeType.clientHello) {
    const hello = parseClientHello(body);
    return hello && clientHelloEvent(hello, side.recordVersion, side.direction, ts);
  }
  if (type === handshakeType.serverHello) return parseServerHello(body, side.direction, ts);
  // Only the first Certificate of a side: a renegotiation's would repeat it at the cost of another parse.
  if (type !== handshakeType.certificate || side.certificateSeen) return undefined;
  side.certificateSeen = true;
  return parseCertificate(body, side.direction, ts);
};

/** §4: handshake messages are type (1) + 24-bit length, and may span records. */
const drainHandshake = (side: Side, ts: number, out: ProtocolEvent[]): void => {
  let hs = side.handshake;
  while (hs.length >= 4) {
    const length = ((hs[1] ?? 0) << 16) | ((hs[2] ?? 0) << 8) | (hs[3] ?? 0);
    if (hs.length < 4 + length) break;
    const event = handshakeEvent(side, hs[0] ?? 0, hs.subarray(4, 4 + length), ts);
    if (event) out.push(event);
    hs = hs.subarray(4 + length);
  }
  side.handshake = hs.length > maxHandshakeBuffer ? empty : keepRest(hs);
};

const recordEvent = (
  side: Side,
  type: number,
  version: number,
  fragment: Uint8Array,
  ts: number,
): TlsRecordEvent => {
  const event: TlsRecordEvent = {
    kind: 'tls-record',
    ts,
    direction: side.direction,
    contentType: type,
    version: tlsVersionName(version),
    length: fragment.length,
  };
  // RFC 6520 §4: HeartbeatMessage = type (1), payload_length (2), payload, padding; readable before encryption.
  if (type === contentType.heartbeat && !side.encrypted && fragment.length >= 3) {
    event.heartbeatPayloadLength = ((fragment[1] ?? 0) << 8) | (fragment[2] ?? 0);
  }
  return event;
};

const onRecord = (
  side: Side,
  type: number,
  version: number,
  fragment: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
) => {
  out.push(recordEvent(side, type, version, fragment, ts));
  if (type === contentType.changeCipherSpec) side.encrypted = true;
  if (type !== contentType.handshake || side.encrypted || side.handshakeLost) return;
  side.recordVersion ||= version;
  side.handshake = concat(side.handshake, fragment);
  drainHandshake(side, ts, out);
};

/** A record header: a known content type, major version 3, and a plausible length. */
const validHeader = (type: number, version: number, length: number): boolean =>
  type >= contentType.changeCipherSpec &&
  type <= contentType.heartbeat &&
  version >> 8 === 3 &&
  length <= maxRecord;

const drainRecords = (side: Side, ts: number, out: ProtocolEvent[]): void => {
  let b = side.pending;
  while (b.length >= 5) {
    const type = b[0] ?? 0;
    const version = ((b[1] ?? 0) << 8) | (b[2] ?? 0);
    const length = ((b[3] ?? 0) << 8) | (b[4] ?? 0);
    if (!validHeader(type, version, length)) {
      side.stopped = true;
      break;
    }
    if (type === contentType.applicationData) {
      side.skip = 5 + length;
      const skipped = Math.min(side.skip, b.length);
      side.skip -= skipped;
      b = b.subarray(skipped);
      continue;
    }
    if (b.length < 5 + length) break;
    onRecord(side, type, version, b.subarray(5, 5 + length), ts, out);
    b = b.subarray(5 + length);
  }
  side.pending = side.stopped ? empty : keepRest(b);
};

/** The first client bytes may be an SSL 2.0-compatible ClientHello, followed by ordinary records. */
const startSide = (side: Side, ts: number, out: ProtocolEvent[]): boolean => {
  if (side.direction !== 'to-server' || ((side.pending[0] ?? 0) & 0x80) === 0) return true;
  if (side.pending.length < 11) return false;
  const length = sslv2HelloLength(side.pending);
  if (length === undefined) return true;
  if (side.pending.length < length) return false;
  out.push(clientHelloEvent(parseSslv2Hello(side.pending), 0x0002, side.direction, ts));
  side.pending = side.pending.subarray(length);
  return true;
};

/**
 * A loss of known length inside a record whose header was read (ADR 34): skipped with the rest of the record, and the
 * direction stays in frame (application data, the bulk of a connection, is skipped by length anyway). Inside a
 * plaintext handshake record the record is skipped too, and the side's handshake messages are no longer read: they
 * are put together across records, and the next record may start inside one.
 */
const skipLoss = (side: Side, lost: number): boolean => {
  if (!(lost > 0)) return lost === 0;
  if (side.skip > 0) {
    if (lost > side.skip) return false;
    side.skip -= lost;
    return true;
  }
  const b = side.pending;
  if (!side.started || b.length < 5) return false;
  const left = 5 + (((b[3] ?? 0) << 8) | (b[4] ?? 0)) - b.length;
  if (left <= 0 || lost > left) return false;
  if (b[0] === contentType.handshake && !side.encrypted) {
    side.handshakeLost = true;
    side.handshake = empty;
  }
  side.pending = empty;
  side.skip = left - lost;
  return true;
};

export const createTlsStream = (): TlsStream => {
  const sides = { 'to-server': newSide('to-server'), 'to-client': newSide('to-client') } as const;
  return {
    parse(chunk, direction, ts) {
      const side = sides[direction];
      const out: ProtocolEvent[] = [];
      if (side.stopped) return out;
      const skipped = Math.min(side.skip, chunk.length);
      side.skip -= skipped;
      side.pending = concat(side.pending, chunk.subarray(skipped));
      if (!side.started) {
        side.started = startSide(side, ts, out);
        // Waiting for the rest of an SSL 2.0 hello: keep a copy, the chunk is only valid during this call.
        if (!side.started) side.pending = keepRest(side.pending);
      }
      if (side.started) drainRecords(side, ts, out);
      if (side.pending.length > 2 * maxRecord) side.stopped = true;
      return out;
    },
    gap(direction, lost) {
      const side = sides[direction];
      if (side.stopped || (lost !== undefined && skipLoss(side, lost))) return;
      // Record boundaries are lost with the bytes; nothing later can be trusted to align.
      side.stopped = true;
      side.pending = empty;
    },
  };
};
