/**
 * What a WebSocket connection carries when the server's Sec-WebSocket-Protocol names a protocol the engine reads
 * (websocket-subprotocols.ts): its messages handed, in order and per direction, to that protocol's parser, one per
 * connection, whose events are the flow's as a tunnel's are (tunnel-inner.ts).
 */
import { type Direction, type ProtocolEvent, tunnelFailedOperation, tunnelOperation } from '../events.ts';
import type { ParserContext, Protocol, ProtocolParser } from './protocol.ts';
import { maxTunnelDepth } from './tunnel-inner.ts';
import { type CarriedProtocol, carriedBySubprotocol, carriedProtocol } from './websocket-subprotocols.ts';

export type WebsocketInner = {
  /**
   * A whole message of `direction`: its first octets as the WebSocket reader kept them (inflated when compressed), and
   * how many past them it did not keep; `payload` undefined when none could be had (a compressed message whose
   * context was lost), `lost` undefined when how many is not known.
   */
  message(
    payload: Uint8Array | undefined,
    lost: number | undefined,
    direction: Direction,
    ts: number,
  ): ProtocolEvent[];
  /** The connection is over: what the parser still holds. */
  end(): ProtocolEvent[];
};

const told = (id: Protocol['id'], operation: string, direction: Direction, ts: number): ProtocolEvent => ({
  kind: 'operation',
  protocol: 'http',
  operation,
  detail: id,
  direction,
  ts,
});

/**
 * One message into the parser: as a datagram, or as the next octets of its direction's stream, whose parser is told
 * what the reader did not keep (`lost` undefined, with no payload: how much is not known).
 */
const feed = (
  parser: ProtocolParser,
  what: CarriedProtocol,
  message: { payload: Uint8Array | undefined; lost: number | undefined; direction: Direction; ts: number },
): ProtocolEvent[] => {
  const { payload, lost, direction, ts } = message;
  const read = payload === undefined || payload.length === 0 ? [] : parser.parse(payload, direction, ts);
  if (what.perMessage || lost === 0) return read;
  return [...read, ...(parser.gap(direction, lost) ?? [])];
};

/**
 * `subprotocol`: the server's answer; `outer`: the connection's parser context, the carried protocol read one tunnel
 * deeper (none past `maxTunnelDepth`) and only when the engine has it. Undefined when nothing is carried or read.
 * `out` gets the operation `tunnel <protocol>` (from the carrier, `http`, at the answer's time) that names the layer on
 * the flow, so that protocol's detectors read the flow. A parser that throws ends this reading (`tunnel-failed`): the
 * WebSocket messages are still reported.
 */
export const createWebsocketInner = (
  subprotocol: string | undefined,
  outer: ParserContext,
  ts: number,
  out: ProtocolEvent[],
): WebsocketInner | undefined => {
  const what = carriedBySubprotocol(subprotocol);
  if (what === undefined || outer.tunnelDepth + 1 > maxTunnelDepth) return undefined;
  const protocol = carriedProtocol(what, outer.protocols);
  if (protocol === undefined) return undefined;
  let parser: ProtocolParser | undefined;
  const fail = (direction: Direction, at: number): ProtocolEvent[] => {
    parser = undefined;
    return [told(protocol.id, tunnelFailedOperation, direction, at)];
  };
  out.push(told(protocol.id, `${tunnelOperation} ${protocol.id}`, 'to-client', ts));
  try {
    parser = protocol.createParser({ tunnelDepth: outer.tunnelDepth + 1, protocols: outer.protocols });
  } catch {
    out.push(...fail('to-client', ts));
    return undefined;
  }
  let lastTs = ts;
  return {
    message(payload, lost, direction, at) {
      lastTs = Math.max(lastTs, at);
      if (parser === undefined) return [];
      try {
        return feed(parser, what, { payload, lost, direction, ts: at });
      } catch {
        return fail(direction, lastTs);
      }
    },
    end() {
      try {
        return parser?.end?.() ?? [];
      } catch {
        return fail('to-client', lastTs);
      }
    },
  };
};
