/**
 * What an HTTP/1.x answer's head leaves open when the request it answers is not known (after lost octets, on a
 * connection seen from its middle, or one side captured): whether the octets after it are its body.
 */
import { detectStatusLine } from './http-detect.ts';
import { hasToken } from './http-framing.ts';
import { type HttpHead, headerValue, maxHeadLength } from './http-head.ts';
import type { HttpSide } from './http-side.ts';

/** Octets that tell a status line from other text (`detectStatusLine`: `HTTP/1.1 200 `). */
const statusLineOctets = 13;

/** An interim answer (RFC 9110 §15.2): a 1xx but 101, whose switch makes it final. */
export const interimStatus = (head: HttpHead): boolean => {
  const status = Number(head.first[1]) || 0;
  return status >= 100 && status < 200 && status !== 101;
};

/**
 * A response after which no other comes on the connection: one with the `close` option (RFC 9112 §9.6: the server
 * closes after it) or an HTTP/1.0 one without `keep-alive` (§9.3). What follows its head can only be its body.
 */
export const lastAnswer = (head: HttpHead): boolean => {
  const connection = headerValue(head.headers, 'connection');
  return (
    hasToken(connection, 'close') || (head.first[0] === 'HTTP/1.0' && !hasToken(connection, 'keep-alive'))
  );
};

/**
 * After a status line where a body would start: true when the octets are the body, false when they are the next
 * answer, undefined until that is known (`ending`: the connection closed, nothing more will come).
 * - Chunked: the body would start with a chunk's size in hex (RFC 9112 §7.1), never with a status line.
 * - A Content-Length within what a side holds: the body's end is where the next answer must start. A status line
 *   there, or the connection's end right there, makes them a body; other octets there make them the next answer.
 *   Its sender chooses a body's octets, not what follows the body.
 * - Longer, or read until the close (without `Connection: close`, which `lastAnswer` reads as a body): nothing
 *   tells them apart that the sender of a body does not choose. They are taken for the next answer, as a response
 *   to HEAD; a body that starts with a status line there is read as answers.
 */
export const hasBody = (side: HttpSide, ending: boolean): boolean | undefined => {
  const length = side.remaining;
  if (side.declared !== 'length' || length + statusLineOctets > maxHeadLength) return false;
  if (side.pending.length < length) return ending ? false : undefined;
  const next = detectStatusLine(side.pending.subarray(length));
  if (next === 'need-more') return ending ? true : undefined;
  return next === 'match';
};
