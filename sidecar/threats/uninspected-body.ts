/**
 * A request body of text the injection detectors could not read to its end: longer than the 64 KiB kept of a request,
 * decoding (Content-Encoding) to more than the 64 KiB judged, or in a Content-Encoding that is not decoded (zstd,
 * compress, or a compression bomb past 1 MiB). Padding a body past an inspector's bound is the known way past one
 * (AWS WAF reads 8 KiB and ships `SizeRestrictions_BODY` to block the rest); this reports it instead of letting an
 * attack after the bound pass unseen. Bodies of files (multipart uploads, octet streams, images) are not reported by
 * default: they are long on purpose.
 */
import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import type { HttpRequestEvent, LaterValues, WebsocketMessageEvent } from '../events.ts';
import { decodedBody } from '../protocols/http-content-decoding.ts';
import { headerToken } from '../protocols/http-head.ts';
import { requestBodyLimit } from '../protocols/http-message.ts';
import { websocketKeptBytes } from '../protocols/http-websocket.ts';
import { laterValuesBudget } from '../protocols/later-values.ts';
import { grpcBody } from './text/grpc-strings.ts';
import { inspectedBodyBytes } from './text/http-inputs.ts';
import { laterValues } from './text/later-inputs.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

/** `application/json`, `text/*`, `*+json` or `none`: RFC 6838's restricted names. */
const mediaPattern =
  /^(none|[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)|\*\+[a-z0-9][a-z0-9!#$&^_.+-]*)$/i;

const config = detectorConfig('low', {
  /**
   * Media types whose bodies are read as text (`text/*`, `*+json`; `none` for a body without Content-Type). Add
   * `multipart/form-data` to hear of form uploads whose fields may follow a long file.
   */
  contentTypes: z
    .array(
      z.string().regex(mediaPattern, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not a media type: write type/subtype, type/*, *+suffix or none`,
      }),
    )
    .default([
      'application/x-www-form-urlencoded',
      'application/json',
      '*+json',
      'application/xml',
      '*+xml',
      'application/graphql',
      'text/*',
      'none',
    ]),
});

type Config = z.infer<typeof config>;

/** `type` (lowercase, parameters cut) matches `pattern`: exact, `text/*` or `*+json`. */
const typeMatches = (type: string, pattern: string): boolean => {
  const p = pattern.toLowerCase();
  if (p.endsWith('/*')) return type.startsWith(p.slice(0, -1));
  if (p.startsWith('*+')) return type.endsWith(p.slice(1));
  return type === p;
};

const isText = (type: string, c: Config): boolean =>
  c.contentTypes.some((pattern) => (type === '' ? pattern === 'none' : typeMatches(type, pattern)));

/** What each reader past the bound keeps (ADR 46). */
const laterKinds: Record<LaterValues['kind'], string> = {
  form: 'form fields',
  json: 'JSON strings',
  xml: 'XML texts and attributes',
  text: 'lines',
  grpc: 'gRPC text fields',
};

/**
 * What a form's, JSON, XML or text document's reader past the bound (ADR 46) left unjudged: undefined when it kept every value
 * (repeats once), else how many it did not keep.
 */
const laterUnread = (later: LaterValues, where: string): string | undefined => {
  if (later.unread === 0) return undefined;
  const what = laterKinds[later.kind];
  return `${where}; past them ${later.values.length} ${what} were kept for judging and ${later.unread} were not (the ${laterValuesBudget} characters kept were full, or a long value's middle was not padding)`;
};

/** Why the body was not read to its end, or undefined when it was. */
const unreadPart = (event: HttpRequestEvent): string | undefined => {
  const declared = Number(headerToken(event.headers, 'content-length'));
  const size = declared > 0 ? `${declared} octets` : 'more than 64 KiB';
  if (event.bodyTruncated) {
    const where = `its body (${size}) passes the ${requestBodyLimit} octets kept`;
    return event.later === undefined ? where : laterUnread(event.later, where);
  }
  const encoding = headerToken(event.headers, 'content-encoding').trim();
  if (encoding === '' || event.body.length === 0) return undefined;
  const decoded = decodedBody(event);
  if (decoded === undefined)
    return `its body's Content-Encoding ${encoding} was not decoded (unknown, corrupt or past 1 MiB)`;
  if (decoded.length <= inspectedBodyBytes) return undefined;
  const where = `its ${encoding} body decodes to ${decoded.length} octets, past the ${inspectedBodyBytes} judged`;
  const later = laterValues(event, decoded);
  return later === undefined ? where : laterUnread(later, where);
};

/**
 * Compressed gRPC messages a server reads that were not inflated: past the 1 MiB inflated for one body (padding in
 * the messages before), or in a grpc-encoding not read (snappy, zstd).
 */
const grpcCompressedUnread = (event: HttpRequestEvent, contentType: string): string | undefined => {
  const encoding = headerToken(event.headers, 'grpc-encoding').trim();
  // The whole Content-Type, as the injection inputs pass it: the same body is then read once (grpcBody's memo).
  const read = encoding === '' ? undefined : grpcBody(event.body, contentType, encoding);
  if (read === undefined || read.unread === 0) return undefined;
  const why =
    encoding === 'gzip' || encoding === 'deflate'
      ? 'past the 1 MiB inflated for one body'
      : `grpc-encoding ${encoding} is not read`;
  return `${read.unread} compressed message${read.unread === 1 ? ' was' : 's were'} not inflated (${why})`;
};

/**
 * What a gRPC body left unjudged: compressed messages not inflated, and, past the 64 KiB kept, text fields the reader
 * on (grpc-tail.ts) did not keep, or the whole rest when it was not read on (gRPC-Web's base64 text, `+json`).
 * Reported whatever `contentTypes` says: the size of a gRPC body alone is not, but these fields went unjudged.
 */
const grpcUnread = (event: HttpRequestEvent, contentType: string): string | undefined => {
  const compressed = grpcCompressedUnread(event, contentType);
  if (compressed !== undefined || !event.bodyTruncated) return compressed;
  const where = `its body passes the ${requestBodyLimit} octets kept`;
  return event.later === undefined ? `${where} and was not read on` : laterUnread(event.later, where);
};

/**
 * A compressed form whose later parts were not read: a plain one's are read past the 64 KiB kept (multipart-tail.ts),
 * a compressed one's only once decoded, so when its compressed octets pass what is kept, or it does not decode, the
 * fields after the cut are judged by nothing. Reported whatever the media types configured.
 */
const compressedFormUnread = (event: HttpRequestEvent, type: string): string | undefined => {
  const encoding = headerToken(event.headers, 'content-encoding').trim();
  if (type !== 'multipart/form-data' || encoding === '' || encoding === 'identity') return undefined;
  if (event.bodyTruncated)
    return `its ${encoding} body passes the ${requestBodyLimit} octets kept, compressed: the parts after them were not read`;
  return decodedBody(event) === undefined ? unreadPart(event) : undefined;
};

/** What a request's body of text left unjudged, as evidence; undefined when it was read to its end. */
const requestEvidence = (event: HttpRequestEvent, c: Config): string | undefined => {
  const contentType = headerToken(event.headers, 'content-type');
  const type = contentType.split(';')[0]?.trim() ?? '';
  const grpc = type.startsWith('application/grpc') ? grpcUnread(event, contentType) : undefined;
  const unread = grpc ?? (isText(type, c) ? unreadPart(event) : compressedFormUnread(event, type));
  if (unread === undefined) return undefined;
  return `${event.method} ${event.path.slice(0, 200)} (${type === '' ? 'no Content-Type' : type}): ${unread}`;
};

/** What a client's WebSocket message left unjudged, as evidence; undefined when it was read to its end. */
const messageEvidence = (event: WebsocketMessageEvent): string | undefined => {
  if (event.opcode === 'text' && event.length > websocketKeptBytes)
    return `WebSocket: a text message of ${event.length} octets passes the ${websocketKeptBytes} kept`;
  if (event.compressed && event.text === undefined && event.strings === undefined && event.length > 0)
    return `WebSocket: a compressed ${event.opcode} message of ${event.length} octets was not inflated (compressed past 256 KiB, inflating past 1 MiB, corrupt, or after one that was not)`;
  return undefined;
};

export const uninspectedBody: Threat<typeof config, { reported: boolean }> = {
  id: 'uninspected-body',
  on: ['http-request', 'websocket-message'],
  reads: [readsRequests('http-request'), readsRequests('websocket-message')],
  config,
  // Once a connection: a client that sends long bodies sends many.
  scope: 'flow',
  initialState: () => ({ reported: false }),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (state.reported || !('direction' in event) || event.direction !== 'to-server') return noHits;
    let evidence: string | undefined;
    if (event.kind === 'websocket-message') evidence = messageEvidence(event);
    else if (event.kind === 'http-request' && (event.bodyTruncated || event.body.length > 0))
      evidence = requestEvidence(event, c);
    if (evidence === undefined) return noHits;
    state.reported = true;
    return [
      {
        threat: 'uninspected-body',
        severity: c.severity,
        confidence: 0.5,
        evidence: `${evidence}; the rest was not judged`,
        ts: event.ts,
      },
    ];
  },
};
