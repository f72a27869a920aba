/** NATS client protocol detection (docs.nats.io "Client Protocol"): INFO/CONNECT with JSON, or PUB/SUB lines. */
import type { Direction } from '../events.ts';
import { jsonObject } from './json-object.ts';
import type { Detection } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

/** INFO and CONNECT lines carry JSON and can be long (connect_urls); we look at this much. */
const maxLine = 4096;
const infoKeys = ['server_id', 'version', 'proto', 'max_payload'];
const connectKeys = ['verbose', 'pedantic', 'lang', 'protocol', 'version', 'tls_required'];

/** Subjects are dot-separated tokens of printable characters without whitespace. */
export const isNatsSubject = (s: string | undefined): boolean =>
  s !== undefined &&
  s.length > 0 &&
  s.length <= 1024 &&
  /^[\x21-\x7e]+$/.test(s) &&
  !s.startsWith('.') &&
  !s.endsWith('.');

/** `OP {json}`: the op, a space, a JSON object holding at least one of the keys NATS defines for it. */
const detectJsonOp = (text: string, op: string, keys: readonly string[]): Detection => {
  const head = `${op} {`;
  const start = text.slice(0, head.length).toUpperCase();
  if (!head.startsWith(start)) return 'no-match';
  const end = text.indexOf('\n');
  if (end < 0) {
    if (text.length <= maxLine) return 'need-more';
    return keys.some((k) => text.includes(`"${k}"`)) ? 'match' : 'no-match';
  }
  const json = jsonObject(text.slice(op.length, end).trim());
  return json !== undefined && keys.some((k) => k in json) ? 'match' : 'no-match';
};

/** `PUB <subject> [reply-to] <#bytes>` CRLF payload CRLF, checked through the payload's trailing CRLF. */
const detectPub = (text: string, end: number, fields: readonly string[]): Detection => {
  const size = fields[fields.length - 1] ?? '';
  const shapeOk = (fields.length === 3 || fields.length === 4) && fields.slice(1, -1).every(isNatsSubject);
  if (!shapeOk || !/^\d{1,9}$/.test(size)) return 'no-match';
  const payloadEnd = end + 1 + Number(size);
  if (text.length < payloadEnd + 2) return text.length > maxLine ? 'match' : 'need-more';
  return text.slice(payloadEnd, payloadEnd + 2) === '\r\n' ? 'match' : 'no-match';
};

/** `SUB <subject> [queue group] <sid>`. */
const detectSub = (fields: readonly string[]): Detection =>
  (fields.length === 3 || fields.length === 4) && fields.slice(1).every(isNatsSubject) ? 'match' : 'no-match';

const detectClientLine = (text: string): Detection => {
  const connect = detectJsonOp(text, 'CONNECT', connectKeys);
  if (connect !== 'no-match') return connect;
  const upper = text.slice(0, 4).toUpperCase();
  if (!'PUB '.startsWith(upper) && !'SUB '.startsWith(upper)) return 'no-match';
  const end = text.indexOf('\n');
  if (end < 0) return text.length > maxLine ? 'no-match' : 'need-more';
  const fields = text.slice(0, end).replace(/\r$/, '').split(' ');
  return upper === 'PUB ' ? detectPub(text, end, fields) : detectSub(fields);
};

/** First letters (either case) of INFO, and of CONNECT, PUB and SUB; no other Latin-1 letter upper-cases to them. */
const infoFirst = new Set([0x49, 0x69]);
const clientFirst = new Set([0x43, 0x63, 0x50, 0x70, 0x53, 0x73]);

export const detectNats = (bytes: Uint8Array, direction: Direction): Detection => {
  const first = bytes[0];
  if (first !== undefined && !(direction === 'to-client' ? infoFirst : clientFirst).has(first))
    return 'no-match';
  const text = latin1(bytes, 0, maxLine * 2);
  return direction === 'to-client' ? detectJsonOp(text, 'INFO', infoKeys) : detectClientLine(text);
};

export const natsJson = jsonObject;
