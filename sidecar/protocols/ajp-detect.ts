/**
 * AJP13 from its first packet (ajpv13a "Packet Format"): from the proxy `0x12 0x34`, a 2-octet length and a
 * FORWARD_REQUEST whose fields hold together as far as they go, or a SHUTDOWN, PING or CPING alone; from the servlet
 * container `AB`, a length and a body chunk, headers, END_RESPONSE, GET_BODY_CHUNK or CPONG of their exact shape.
 */
import type { Direction } from '../events.ts';
import { readForwardRequest } from './ajp-forward-request.ts';
import {
  cpingCode,
  cpongCode,
  endResponseCode,
  forwardRequestCode,
  getBodyChunkCode,
  pingCode,
  sendBodyChunkCode,
  sendHeadersCode,
  shutdownCode,
} from './ajp-names.ts';
import { readSendHeaders } from './ajp-send-headers.ts';
import type { Detection } from './protocol.ts';
import { u16be } from './wire-bytes.ts';

/**
 * A request cut by the end of what detection reads, its first KiB or more well formed, is taken: a request whose
 * cookies pass the few KiB detection reads is still AJP.
 */
const enoughOfARequest = 1024;

const verdictOf = (read: object | 'short' | 'bad', seen: number): Detection => {
  if (read === 'bad') return 'no-match';
  if (read === 'short') return seen >= enoughOfARequest ? 'match' : 'need-more';
  return 'match';
};

/** The magic, a length and a prefix code: need-more while they are not all there, no-match at a wrong octet. */
const header = (b: Uint8Array, m0: number, m1: number): Detection => {
  if (b.length > 0 && b[0] !== m0) return 'no-match';
  if (b.length > 1 && b[1] !== m1) return 'no-match';
  if (b.length > 3 && u16be(b, 2) === 0) return 'no-match';
  return b.length < 5 ? 'need-more' : 'match';
};

const fromProxy = (b: Uint8Array): Detection => {
  const start = header(b, 0x12, 0x34);
  if (start !== 'match') return start;
  const length = u16be(b, 2);
  const code = b[4];
  if (code === shutdownCode || code === pingCode || code === cpingCode)
    return length === 1 ? 'match' : 'no-match';
  if (code !== forwardRequestCode) return 'no-match';
  const payload = b.subarray(4, 4 + length);
  return verdictOf(readForwardRequest(payload), payload.length);
};

/** SEND_BODY_CHUNK: the chunk's length, the chunk, and Tomcat's trailing NUL (tolerated absent). */
const bodyChunk = (b: Uint8Array, length: number): Detection => {
  if (b.length < 7) return 'need-more';
  const chunk = u16be(b, 5);
  return length === chunk + 4 || length === chunk + 3 ? 'match' : 'no-match';
};

const fromContainer = (b: Uint8Array): Detection => {
  const start = header(b, 0x41, 0x42);
  if (start !== 'match') return start;
  const length = u16be(b, 2);
  switch (b[4]) {
    case cpongCode:
      return length === 1 ? 'match' : 'no-match';
    case endResponseCode:
      if (length !== 2) return 'no-match';
      return b.length < 6 ? 'need-more' : (b[5] ?? 2) <= 1 ? 'match' : 'no-match';
    case getBodyChunkCode:
      return length === 3 ? 'match' : 'no-match';
    case sendBodyChunkCode:
      return bodyChunk(b, length);
    case sendHeadersCode: {
      const payload = b.subarray(4, 4 + length);
      return verdictOf(readSendHeaders(payload), payload.length);
    }
    default:
      return 'no-match';
  }
};

export const detectAjp = (bytes: Uint8Array, direction: Direction): Detection =>
  direction === 'to-server' ? fromProxy(bytes) : fromContainer(bytes);
