/**
 * What an HTTP/1.x client sends behind a request that asked to switch protocols (CONNECT, Upgrade), before the answer:
 * a client need not wait for it, so the octets may be the new protocol's. They are held (held-until-answer.ts) until
 * the answer: one that switches reads them as what the connection became (http-switched.ts); any other makes them
 * HTTP requests again, read then, each chunk at its time and each loss in its place.
 */
import type { ProtocolEvent } from '../events.ts';
import { heldBytes } from './held-until-answer.ts';
import type { HttpConnectionState } from './http-connection-state.ts';
import type { HttpSide } from './http-side.ts';
import { latin1 } from './wire-bytes.ts';

/** After line ends (RFC 9112 §2.2), a method: a token, then a space (any token, as servers read it). */
const methodPattern = /^[\r\n]*[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;

/** The client's octets wait for the answer: it asked to switch, and the request that asked is read whole. */
export const holdingForAnswer = (conn: HttpConnectionState, side: HttpSide): boolean =>
  conn.switchAsked && side.direction === 'to-server' && side.mode === 'head';

/** What is held is read as HTTP, each chunk at its time and each loss in its place: no switch comes. */
export const readHeldAsHttp = (conn: HttpConnectionState, out: ProtocolEvent[]): void => {
  conn.switchAsked = false;
  conn.held.open({
    parse: (chunk, direction, ts) => conn.reread.parse(chunk, direction, ts, out),
    gap: (direction, lost) => conn.reread.gap(direction, lost, out),
  });
};

/**
 * Holds a chunk of the client's until the answer. Past the bound, octets that start with a request are read as HTTP
 * now, with what was held: a server may ignore an Upgrade (RFC 9110 §7.8) or refuse a CONNECT and read the requests
 * behind it, which a bound must not drop. Other octets keep the bound, the rest held as a loss, as a tunnel's prefix.
 */
export const holdForAnswer = (
  conn: HttpConnectionState,
  chunk: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
) => {
  const { held } = conn;
  const size = held.size('to-server');
  // Decided once, when the bound is first passed: after, the hold is full and the rest joins its loss.
  if (size < heldBytes && size + chunk.length > heldBytes) {
    const first = size > 0 ? held.octets('to-server') : chunk;
    if (methodPattern.test(latin1(first, 0, Math.min(first.length, 64)))) {
      readHeldAsHttp(conn, out);
      conn.reread.parse(chunk, 'to-server', ts, out);
      return;
    }
  }
  held.hold(chunk, 'to-server', ts);
};

/**
 * A final answer to the request that asked to switch was read (`switchAsked` cleared): unless it switched the
 * connection, which read what was held (http-switched.ts), the held octets are HTTP requests again.
 */
export const answerCame = (conn: HttpConnectionState, out: ProtocolEvent[]): void => {
  if (!conn.held.empty()) readHeldAsHttp(conn, out);
};
