/**
 * What an HTTP/1.x connection becomes when it switches protocols: HTTP/2 after an h2c upgrade or a client's preface,
 * a tunnel after CONNECT or another upgrade (its inner protocol detected and read, tunnel-inner.ts), WebSocket frames
 * after a WebSocket upgrade.
 */
import type { Direction, HttpRequestRef, ProtocolEvent } from '../events.ts';
import type { HeldUntilAnswer } from './held-until-answer.ts';
import { type HttpHead, headerValue } from './http-head.ts';
import type { HttpSide } from './http-side.ts';
import { createWebsocketReader, type WebsocketReader } from './http-websocket.ts';
import { createHttp2Session, type Http2Session } from './http2-session.ts';
import type { ParserContext } from './protocol.ts';
import { createTunnelInner, type TunnelInner } from './tunnel-inner.ts';
import { websocketDeflate } from './websocket-deflate.ts';
import { createWebsocketInner, type WebsocketInner } from './websocket-inner.ts';

export type HttpSwitched = {
  /** Both directions become HTTP/2 (RFC 7540 §3.2); `upgraded`, the request that asked for h2c, is answered on stream 1. */
  toHttp2(ts: number, out: ProtocolEvent[], upgraded?: HttpRequestRef): void;
  /** Both directions become a tunnel, whose inner protocol is read from what each side has buffered on. */
  toTunnel(ts: number, out: ProtocolEvent[]): void;
  /** Both directions read WebSocket frames (RFC 6455 §4), as the server's `response` to `request` agreed. */
  toWebsocket(response: HttpHead, request: HttpRequestRef, ts: number, out: ProtocolEvent[]): void;
  /** A chunk for a side that switched (or stopped): read by what it switched to; false when the side reads HTTP/1. */
  read(side: HttpSide, chunk: Uint8Array, ts: number, out: ProtocolEvent[]): boolean;
  /**
   * `lost` octets were lost on a side that switched (or stopped), the events for what they cut put in `out`: true
   * when it is not reading HTTP/1.
   */
  gap(side: HttpSide, lost: number | undefined, out: ProtocolEvent[]): boolean;
  /** The connection is over: the events for what the tunnel's reader still holds. */
  end(): ProtocolEvent[];
};

/**
 * `context`: the connection's parser context (how deep in tunnels it is, the protocols its tunnel may carry).
 * `held`: what the client sent behind the request that asked to switch, read first by what the connection becomes.
 */
export const createHttpSwitched = (
  sides: Readonly<Record<Direction, HttpSide>>,
  context: ParserContext,
  held: HeldUntilAnswer,
): HttpSwitched => {
  let session: Http2Session | undefined;
  /** Inside a tunnel: whatever protocol its first octets are (TLS for its hellos, HTTP, Redis...), to a bound depth. */
  let tunnel: TunnelInner | undefined;
  /** After a WebSocket upgrade: one frame reader per direction. */
  let websocket: Record<Direction, WebsocketReader> | undefined;
  /** What the WebSocket's subprotocol carries, when the engine reads it: one parser for the connection. */
  let carried: WebsocketInner | undefined;

  /**
   * Each side takes `mode`; what the client sent while the answer was awaited is read first, each chunk at its time
   * and each loss in its place, then what each side has buffered, at `ts`.
   */
  const handOver = (mode: 'h2' | 'tunnel' | 'websocket', ts: number, out: ProtocolEvent[]) => {
    for (const side of [sides['to-server'], sides['to-client']]) side.mode = mode;
    held.open({
      parse: (chunk, direction, at) => switched.read(sides[direction], chunk, at, out),
      gap: (direction, lost) => switched.gap(sides[direction], lost, out),
    });
    for (const side of [sides['to-server'], sides['to-client']]) {
      const rest = side.pending;
      side.pending = new Uint8Array(0);
      if (rest.length > 0) switched.read(side, rest, ts, out);
    }
  };

  const switched: HttpSwitched = {
    toHttp2(ts, out, upgraded) {
      session ??= createHttp2Session(upgraded);
      handOver('h2', ts, out);
    },
    toTunnel(ts, out) {
      tunnel = createTunnelInner('http', context, ts);
      handOver('tunnel', ts, out);
    },
    toWebsocket(response, request, ts, out) {
      // Each message names the upgrade request's forwarding headers (ADR 31).
      const agreed = websocketDeflate(headerValue(response.headers, 'sec-websocket-extensions'));
      const forwarding = request.forwarding.length > 0 ? request.forwarding : undefined;
      const subprotocol = headerValue(response.headers, 'sec-websocket-protocol');
      const inner = createWebsocketInner(subprotocol, context, ts, out);
      carried = inner;
      const carrier = (direction: Direction) =>
        inner === undefined
          ? undefined
          : (payload: Uint8Array | undefined, lost: number | undefined, at: number) =>
              inner.message(payload, lost, direction, at);
      const readers = {
        'to-server': createWebsocketReader('to-server', agreed.client, forwarding, carrier('to-server')),
        'to-client': createWebsocketReader('to-client', agreed.server, forwarding, carrier('to-client')),
      };
      websocket = readers;
      handOver('websocket', ts, out);
    },
    read(side, chunk, ts, out) {
      if (side.mode === 'h2') session?.feed(chunk, side.direction, ts, out);
      else if (side.mode === 'tunnel') {
        if (tunnel) out.push(...tunnel.parse(chunk, side.direction, ts));
      } else if (side.mode === 'websocket') {
        if (websocket) out.push(...websocket[side.direction].read(chunk, ts));
      } else return side.mode === 'stopped';
      return true;
    },
    gap(side, lost, out) {
      if (side.mode === 'h2') session?.gap(side.direction, lost, out);
      if (side.mode === 'tunnel' && tunnel) out.push(...tunnel.gap(side.direction, lost));
      // Frames cannot be found again after lost octets: that direction stops.
      if (side.mode === 'websocket') side.mode = 'stopped';
      return side.mode === 'h2' || side.mode === 'tunnel' || side.mode === 'stopped';
    },
    end: () => [...(tunnel?.end() ?? []), ...(carried?.end() ?? [])],
  };
  return switched;
};
