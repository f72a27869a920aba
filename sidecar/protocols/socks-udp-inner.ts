/**
 * What the datagrams a SOCKS UDP relay carries to one destination are (socks-udp.ts): each datagram's data detected
 * on its own among the engine's UDP protocols, as the engine detects a UDP flow's, then read by that protocol's
 * parser one tunnel deeper. The datagram counterpart of tunnel-inner.ts, which reads a stream.
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import { detectDatagram } from '../engine/detect-protocol.ts';
import { type Direction, type ProtocolEvent, tunnelFailedOperation, tunnelOperation } from '../events.ts';
import type { ParserContext, Protocol, ProtocolParser } from './protocol.ts';
import { maxTunnelDepth } from './tunnel-inner.ts';

export type DatagramInner = {
  parse(datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  end(): ProtocolEvent[];
};

/** Datagrams to one destination that no detector takes before its reading stops: a few, as a UDP flow gets. */
export const maxUndetectedDatagrams = 8;

const operation = (carrier: ProtocolId, name: string, detail: ProtocolId, direction: Direction, ts: number) =>
  ({ kind: 'operation', protocol: carrier, operation: name, detail, direction, ts }) as const;

/**
 * `outer`: the carrier's parser context; the datagrams are read one deeper, and not at all past `maxTunnelDepth`.
 * `told`: the protocols already named with a `tunnel` operation on this flow (shared by its destinations): each is
 * named once, before its first events. An inner parser that throws stops this destination's reading
 * (`tunnelFailedOperation`); the carrier reads on.
 */
export const createDatagramInner = (
  carrier: ProtocolId,
  outer: ParserContext,
  told: Set<ProtocolId>,
): DatagramInner => {
  const context: ParserContext = { tunnelDepth: outer.tunnelDepth + 1, protocols: outer.protocols };
  let stopped = context.tunnelDepth > maxTunnelDepth;
  let parser: ProtocolParser | undefined;
  let inner: ProtocolId = carrier;
  let undetected = 0;

  const fail = (direction: Direction, ts: number): ProtocolEvent[] => {
    stopped = true;
    parser = undefined;
    return [operation(carrier, tunnelFailedOperation, inner, direction, ts)];
  };

  const start = (protocol: Protocol, direction: Direction, ts: number): ProtocolEvent[] => {
    inner = protocol.id;
    const out: ProtocolEvent[] = [];
    if (!told.has(protocol.id)) {
      told.add(protocol.id);
      out.push(operation(carrier, `${tunnelOperation} ${protocol.id}`, protocol.id, direction, ts));
    }
    try {
      parser = protocol.createParser(context);
    } catch {
      out.push(...fail(direction, ts));
    }
    return out;
  };

  const detect = (datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    const verdict = detectDatagram(context.protocols, datagram, direction);
    if (verdict.verdict === 'match')
      return start(context.protocols[verdict.index] as Protocol, direction, ts);
    undetected += 1;
    if (undetected >= maxUndetectedDatagrams) stopped = true;
    return [];
  };

  return {
    parse(datagram, direction, ts) {
      if (stopped || datagram.length === 0) return [];
      const out = parser === undefined ? detect(datagram, direction, ts) : [];
      if (parser === undefined) return out;
      try {
        out.push(...parser.parse(datagram, direction, ts));
      } catch {
        out.push(...fail(direction, ts));
      }
      return out;
    },
    end() {
      try {
        return parser?.end?.() ?? [];
      } catch {
        return fail('to-server', 0);
      }
    },
  };
};
