/**
 * What a tunnel carries (an HTTP/1 CONNECT's after its 2xx, or a 101's to a protocol not read as HTTP/2 or WebSocket;
 * a SOCKS CONNECT's): the protocol its first octets name, detected among the engine's protocols as the engine detects
 * a flow's, then read by that protocol's parser.
 */

import type { ProtocolId } from '#core/protocol-id.ts';
import { detectProtocol } from '../engine/detect-protocol.ts';
import { type Direction, type ProtocolEvent, tunnelFailedOperation, tunnelOperation } from '../events.ts';
import { createHeldUntilAnswer, type HeldUntilAnswer, heldBytes } from './held-until-answer.ts';
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

/** One tunnel's reading: its parser once the inner protocol is found, and what is held until then. */
type Tunnel = {
  carrier: ProtocolId;
  /** The tunnel's own context, one deeper than its carrier's. */
  context: ParserContext;
  protocols: readonly Protocol[];
  /** The detectors that refused the prefix so far, as the engine keeps them. */
  refused: Uint8Array;
  stopped: boolean;
  parser: ProtocolParser | undefined;
  /** The inner protocol, once found, and where the tunnel's octets last came from (what a failure is told with). */
  inner: ProtocolId;
  lastDirection: Direction;
  lastTs: number;
  prefix: HeldUntilAnswer;
};

const stop = (tunnel: Tunnel): void => {
  tunnel.stopped = true;
  tunnel.parser = undefined;
  tunnel.prefix.discard();
};

/** What the tunnel tells itself: what it found, or that its parser failed. */
const operation = (tunnel: Tunnel, name: string, direction: Direction): ProtocolEvent => ({
  kind: 'operation',
  protocol: tunnel.carrier,
  operation: name,
  detail: tunnel.inner,
  direction,
  ts: tunnel.lastTs,
});

/** The inner parser threw (a bug in it): its tunnel is read no further, and the failure is told. */
const fail = (tunnel: Tunnel): ProtocolEvent[] => {
  stop(tunnel);
  return [operation(tunnel, tunnelFailedOperation, tunnel.lastDirection)];
};

/** The inner protocol is found: told, its parser created, and what was held read by it in the order it came. */
const start = (tunnel: Tunnel, protocol: Protocol, direction: Direction): ProtocolEvent[] => {
  tunnel.inner = protocol.id;
  const out: ProtocolEvent[] = [operation(tunnel, `${tunnelOperation} ${protocol.id}`, direction)];
  try {
    const started = protocol.createParser(tunnel.context);
    tunnel.parser = started;
    tunnel.prefix.open({
      parse: (bytes, side, ts) => out.push(...started.parse(bytes, side, ts)),
      gap: (side, lost) => out.push(...(started.gap(side, lost) ?? [])),
    });
  } catch {
    out.push(...fail(tunnel));
  }
  return out;
};

/** Holds a chunk until the inner protocol is known, and detects it from what each direction holds. */
const hold = (tunnel: Tunnel, chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
  tunnel.prefix.hold(chunk, direction, ts);
  const toServer = tunnel.prefix.octets('to-server');
  const toClient = tunnel.prefix.octets('to-client');
  const verdict = detectProtocol(tunnel.protocols, {
    transport: 'tcp',
    toServer,
    toClient,
    refused: tunnel.refused,
    fullToServer: toServer.length >= tunnelPrefixBytes,
    fullToClient: toClient.length >= tunnelPrefixBytes,
  });
  if (verdict.verdict === 'match')
    return start(tunnel, tunnel.protocols[verdict.index] as Protocol, direction);
  // As the engine does, a side refused while the other is silent waits for the other (a server may answer first).
  const bothSpoke = toServer.length > 0 && toClient.length > 0;
  if (verdict.verdict === 'no-match' && bothSpoke) stop(tunnel);
  return [];
};

/** Runs the inner parser; one that throws stops the tunnel, told. */
const guarded = (tunnel: Tunnel, read: (parser: ProtocolParser) => ProtocolEvent[] | undefined) => {
  const parser = tunnel.parser;
  if (parser === undefined) return [];
  try {
    return read(parser) ?? [];
  } catch {
    return fail(tunnel);
  }
};

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
  const stopped = context.tunnelDepth > maxTunnelDepth;
  const protocols: readonly Protocol[] = stopped ? [] : context.protocols;
  const tunnel: Tunnel = {
    carrier,
    context,
    protocols,
    refused: new Uint8Array(protocols.length),
    stopped,
    parser: undefined,
    inner: carrier,
    lastDirection: 'to-server',
    lastTs: openedAt,
    prefix: createHeldUntilAnswer(),
  };
  return {
    parse(chunk, direction, ts) {
      tunnel.lastDirection = direction;
      tunnel.lastTs = Math.max(tunnel.lastTs, ts);
      if (tunnel.parser !== undefined) return guarded(tunnel, (parser) => parser.parse(chunk, direction, ts));
      return tunnel.stopped || chunk.length === 0 ? [] : hold(tunnel, chunk, direction, ts);
    },
    gap(direction, lost) {
      if (tunnel.parser !== undefined) return guarded(tunnel, (parser) => parser.gap(direction, lost) ?? []);
      if (lost !== 0) stop(tunnel);
      return [];
    },
    end: () => guarded(tunnel, (parser) => parser.end?.()),
  };
};
