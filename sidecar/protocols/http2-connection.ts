/** What an HTTP/2 session knows across both sides: the sides, requests awaiting answers, stream errors, streams. */
import type { HttpRequestRef, ProtocolEvent } from '../events.ts';
import { control, newSide, type Side } from './http2-side.ts';
import { Http2StreamErrors } from './http2-stream-errors.ts';
import { Http2PendingRequests } from './http2-streams.ts';
import type { Http2WindowOverflow } from './http2-window-overflow.ts';

export type Http2Connection = {
  readonly sides: { readonly 'to-server': Side; readonly 'to-client': Side };
  readonly awaiting: Http2PendingRequests;
  /** Stream errors the client provokes and the server's resets for them (MadeYouReset). */
  readonly errors: Http2StreamErrors;
  /** The streams the client opened: what its resets are a share of. */
  streams: number;
  /** The client's stream windows against the connection's (MadeYouReset), made at its preface. */
  windows: Http2WindowOverflow | undefined;
};

/**
 * A connection's state. After an h2c upgrade, `upgraded` is the HTTP/1.1 request that asked for it: it is stream 1,
 * and the server answers it there (RFC 7540 §3.2; RFC 9113 §3.1 deprecates the upgrade, which curl's `--http2` still
 * makes over plain HTTP).
 */
export const createHttp2Connection = (upgraded: HttpRequestRef | undefined): Http2Connection => {
  const conn: Http2Connection = {
    sides: { 'to-server': newSide('to-server'), 'to-client': newSide('to-client') },
    awaiting: new Http2PendingRequests(),
    errors: new Http2StreamErrors(),
    streams: 0,
    windows: undefined,
  };
  if (upgraded !== undefined) {
    conn.awaiting.remember(1, upgraded);
    // The upgrade request was the client's whole stream 1 (RFC 7540 §3.2): half-closed for the server from the start.
    conn.errors.opened(1);
    conn.errors.ended(1);
    conn.streams = 1;
  }
  return conn;
};

export const peerOf = (conn: Http2Connection, side: Side): Side =>
  side.direction === 'to-server' ? conn.sides['to-client'] : conn.sides['to-server'];

/** A client frame that is a stream error for the server (http2-stream-errors.ts), when `cause` names one. */
export const streamError = (
  conn: Http2Connection,
  side: Side,
  cause: string | undefined,
  ts: number,
  out: ProtocolEvent[],
): void => {
  if (cause !== undefined) control(side).count('stream-errors', ts, conn.streams, out, cause);
};
