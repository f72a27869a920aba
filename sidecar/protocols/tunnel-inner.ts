/**
 * What a tunnel carries (an HTTP/1 CONNECT's after its 2xx, or a 101's to a protocol not read as HTTP/2 or WebSocket;
 * a SOCKS CONNECT's): the protocol its first octets name, detected among the engine's protocols as the engine detects
 * a flow's, then read by that protocol's parser.
 */

import type { ProtocolId } from '#core/protocol-id.ts';
import { detectProtocol } from '../engine/detect-protocol.ts';
import { type Direction, type ProtocolEvent, tunnelFailedOperation, tunnelOperation } from '../events.ts';
import type { ParserContext, Protocol, ProtocolParser } from './protocol.ts';
import { joinParts } from './wire-bytes.ts';

export type TunnelInner = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  gap(direction: Direction, lost?: number): ProtocolEvent[];
  end(): ProtocolEvent[];
};

/** A tunnel inside a tunnel is read; one deeper is not (each level costs a parser and a prefix). */
export const maxTunnelDepth = 2;
/** Each direction's first octets held for detection, as the engine's prefix (engine-limits.ts `prefixBytes`). */
export const tunnelPrefixBytes = 4096;

type Held = { direction: Direction; bytes: Uint8Array; ts: number };

/**
 * `carrier`: the protocol whose tunnel it is, which tells what it found first (`tunnelOperation`, before that
 * protocol's events). `outer`: the carrier's parser context; the tunnel is one deeper, its protocol detected among the
 * same protocols. Deeper than `maxTunnelDepth`, nothing is read. Until the inner protocol is known each direction's
 * first `tunnelPrefixBytes` are held, with the times they came at; a direction's octets past that are told to the
 * parser as lost. Octets lost before a verdict, or prefixes of both directions that no detector takes, stop the
 * tunnel's reading. An inner parser that throws stops it too (`tunnelFailedOperation`): the carrier reads on.
 */
export const createTunnelInner = (carrier: ProtocolId, outer: ParserContext): TunnelInner => {
  const context: ParserContext = { tunnelDepth: outer.tunnelDepth + 1, protocols: outer.protocols };
  let stopped = context.tunnelDepth > maxTunnelDepth;
  let parser: ProtocolParser | undefined;
  /** The inner protocol, once found, and where the tunnel's octets last came from (what a failure is told with). */
  let inner: ProtocolId = carrier;
  let lastDirection: Direction = 'to-server';
  let lastTs = 0;
  const protocols: readonly Protocol[] = stopped ? [] : context.protocols;
  const refused = new Uint8Array(protocols.length);
  let held: Held[] = [];
  const prefix: Record<Direction, Uint8Array> = {
    'to-server': new Uint8Array(0),
    'to-client': new Uint8Array(0),
  };
  const past: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };

  const stop = (): void => {
    stopped = true;
    parser = undefined;
    held = [];
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

  const start = (protocol: Protocol, direction: Direction, ts: number): ProtocolEvent[] => {
    inner = protocol.id;
    const out: ProtocolEvent[] = [
      {
        kind: 'operation',
        protocol: carrier,
        operation: `${tunnelOperation} ${protocol.id}`,
        detail: protocol.id,
        direction,
        ts,
      },
    ];
    try {
      const started = protocol.createParser(context);
      parser = started;
      for (const item of held) out.push(...started.parse(item.bytes, item.direction, item.ts));
      for (const side of ['to-server', 'to-client'] as const)
        if (past[side] > 0) out.push(...(started.gap(side, past[side]) ?? []));
    } catch {
      out.push(...fail());
    }
    held = [];
    return out;
  };

  const hold = (chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    const taken = chunk.subarray(0, Math.max(0, tunnelPrefixBytes - prefix[direction].length));
    if (taken.length > 0) {
      prefix[direction] = joinParts([prefix[direction], taken], prefix[direction].length + taken.length);
      held.push({ direction, bytes: taken.slice(), ts });
    }
    past[direction] += chunk.length - taken.length;
    const verdict = detectProtocol(protocols, {
      transport: 'tcp',
      toServer: prefix['to-server'],
      toClient: prefix['to-client'],
      refused,
      fullToServer: prefix['to-server'].length >= tunnelPrefixBytes,
      fullToClient: prefix['to-client'].length >= tunnelPrefixBytes,
    });
    if (verdict.verdict === 'match') return start(protocols[verdict.index] as Protocol, direction, ts);
    // As the engine does, a side refused while the other is silent waits for the other (a server may answer first).
    const bothSpoke = prefix['to-server'].length > 0 && prefix['to-client'].length > 0;
    if (verdict.verdict === 'no-match' && bothSpoke) stop();
    return [];
  };

  return {
    parse(chunk, direction, ts) {
      lastDirection = direction;
      lastTs = ts;
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
