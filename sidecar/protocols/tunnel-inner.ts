/**
 * What a tunnel carries (an HTTP/1 CONNECT's after its 2xx, or a 101's to a protocol not read as HTTP/2 or WebSocket;
 * a SOCKS CONNECT's): the protocol its first octets name, detected among the engine's protocols as the engine detects
 * a flow's, then read by that protocol's parser.
 */

import type { ProtocolId } from '#core/protocol-id.ts';
import { detectProtocol } from '../engine/detect-protocol.ts';
import { type Direction, type ProtocolEvent, tunnelFailedOperation, tunnelOperation } from '../events.ts';
import { createHeldUntilAnswer, heldBytes } from './held-until-answer.ts';
import type { ParserContext, Protocol, ProtocolParser } from './protocol.ts';

export type TunnelInner = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  gap(direction: Direction, lost?: number): ProtocolEvent[];
  end(): ProtocolEvent[];
};

/** A tunnel inside a tunnel is read; one deeper is not (each level costs a parser and a prefix). */
export const maxTunnelDepth = 2;
/** Each direction's first octets held for detection (held-until-answer.ts), as the engine's prefix. */
export const tunnelPrefixBytes = heldBytes;

/**
 * `carrier`: the protocol whose tunnel it is, which tells what it found first (`tunnelOperation`, before that
 * protocol's events). `outer`: the carrier's parser context; the tunnel is one deeper, its protocol detected among the
 * same protocols. Deeper than `maxTunnelDepth`, nothing is read. Until the inner protocol is known each direction's
 * first `tunnelPrefixBytes` are held (held-until-answer.ts), with the times they came at; a direction's octets past
 * that are held as a loss in their place, told to the parser when it reads what was held. Octets lost before a
 * verdict, or prefixes of both directions that no detector takes, stop the tunnel's reading. An inner parser that
 * throws stops it too (`tunnelFailedOperation`): the carrier reads on. `openedAt`: when the carrier opened the tunnel;
 * what the tunnel itself tells (what it found, that it failed) is told at the latest time it was given octets or
 * opened, so octets the carrier held for it keep their own times for the inner parser's events only.
 */
export const createTunnelInner = (carrier: ProtocolId, outer: ParserContext, openedAt = 0): TunnelInner => {
  const context: ParserContext = { tunnelDepth: outer.tunnelDepth + 1, protocols: outer.protocols };
  let stopped = context.tunnelDepth > maxTunnelDepth;
  let parser: ProtocolParser | undefined;
  /** The inner protocol, once found, and where the tunnel's octets last came from (what a failure is told with). */
  let inner: ProtocolId = carrier;
  let lastDirection: Direction = 'to-server';
  let lastTs = openedAt;
  const protocols: readonly Protocol[] = stopped ? [] : context.protocols;
  const refused = new Uint8Array(protocols.length);
  const prefix = createHeldUntilAnswer();

  const stop = (): void => {
    stopped = true;
    parser = undefined;
    prefix.discard();
  };

  /** The inner parser threw (a bug in it): its tunnel is read no further, and the failure is told. */
  const fail = (): ProtocolEvent[] => {
    stop();
    const detail = inner;
    return [
      {
        kind: 'operation',
        protocol: carrier,
        operation: tunnelFailedOperation,
        detail,
        direction: lastDirection,
        ts: lastTs,
      },
    ];
  };

  const start = (protocol: Protocol, direction: Direction): ProtocolEvent[] => {
    inner = protocol.id;
    const out: ProtocolEvent[] = [
      {
        kind: 'operation',
        protocol: carrier,
        operation: `${tunnelOperation} ${protocol.id}`,
        detail: protocol.id,
        direction,
        ts: lastTs,
      },
    ];
    try {
      const started = protocol.createParser(context);
      parser = started;
      prefix.open({
        parse: (bytes, side, ts) => out.push(...started.parse(bytes, side, ts)),
        gap: (side, lost) => out.push(...(started.gap(side, lost) ?? [])),
      });
    } catch {
      out.push(...fail());
    }
    return out;
  };

  const hold = (chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    prefix.hold(chunk, direction, ts);
    const toServer = prefix.octets('to-server');
    const toClient = prefix.octets('to-client');
    const verdict = detectProtocol(protocols, {
      transport: 'tcp',
      toServer,
      toClient,
      refused,
      fullToServer: toServer.length >= tunnelPrefixBytes,
      fullToClient: toClient.length >= tunnelPrefixBytes,
    });
    if (verdict.verdict === 'match') return start(protocols[verdict.index] as Protocol, direction);
    // As the engine does, a side refused while the other is silent waits for the other (a server may answer first).
    const bothSpoke = toServer.length > 0 && toClient.length > 0;
    if (verdict.verdict === 'no-match' && bothSpoke) stop();
    return [];
  };

  return {
    parse(chunk, direction, ts) {
      lastDirection = direction;
      lastTs = Math.max(lastTs, ts);
      if (parser === undefined) return stopped || chunk.length === 0 ? [] : hold(chunk, direction, ts);
      try {
        return parser.parse(chunk, direction, ts);
      } catch {
        return fail();
      }
    },
    gap(direction, lost) {
      if (parser === undefined) {
        if (lost !== 0) stop();
        return [];
      }
      try {
        return parser.gap(direction, lost) ?? [];
      } catch {
        return fail();
      }
    },
    end() {
      try {
        return parser?.end?.() ?? [];
      } catch {
        return fail();
      }
    },
  };
};
