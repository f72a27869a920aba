/**
 * Undoes a request body's Content-Encoding (RFC 9110 §8.4.1): gzip, deflate (zlib, or raw deflate as some clients
 * send it) and br, in the reverse of the order listed. Servers and frameworks that accept compressed requests
 * (nginx and Apache modules, Go, Spring, ASP.NET middleware) hand the application the decoded body, so that is what
 * the detectors must read: compressing a body is a known way past WAFs that do not. A body cut at the parser's bound
 * gives what its first part decodes to.
 */
import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { HttpRequestEvent, HttpResponseEvent } from '../events.ts';
import { zlibHeaderAt } from './bounded-inflate.ts';
import { headerToken } from './http-head.ts';

/** Past this a body is a compression bomb, not a request; it is not read (decoding stops with an error). */
const maxDecoded = 1024 * 1024;
const zlibOptions = { maxOutputLength: maxDecoded, finishFlush: constants.Z_SYNC_FLUSH };
const brotliOptions = { maxOutputLength: maxDecoded, finishFlush: constants.BROTLI_OPERATION_FLUSH };

const decodeOne = (bytes: Uint8Array, coding: string): Uint8Array | undefined => {
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(bytes, zlibOptions);
    if (coding === 'deflate')
      return zlibHeaderAt(bytes) ? inflateSync(bytes, zlibOptions) : inflateRawSync(bytes, zlibOptions);
    if (coding === 'br') return brotliDecompressSync(bytes, brotliOptions);
    if (coding === 'identity') return bytes;
  } catch {
    return undefined;
  }
  return undefined; // compress, zstd and others are not read
};

/** The decoded body; undefined when a coding is not read or the data is not what it claims. */
export const decodeContent = (body: Uint8Array, contentEncoding: string): Uint8Array | undefined => {
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  let decoded: Uint8Array | undefined = body;
  for (const coding of codings.reverse()) {
    decoded = decodeOne(decoded, coding);
    if (decoded === undefined) return undefined;
  }
  return decoded;
};

/** The last message's answer: the flow summary's GraphQL reader and the injection inputs ask about one request in a row. */
const last: { event: HttpRequestEvent | HttpResponseEvent | undefined; body: Uint8Array | undefined } = {
  event: undefined,
  body: undefined,
};

/** A message's body as the application reads it: its Content-Encoding undone (undefined when that cannot be done). */
export const decodedBody = (event: HttpRequestEvent | HttpResponseEvent): Uint8Array | undefined => {
  const encoding = headerToken(event.headers, 'content-encoding');
  if (encoding === '') return event.body;
  if (last.event !== event) {
    last.event = event;
    last.body = decodeContent(event.body, encoding);
  }
  return last.body;
};
