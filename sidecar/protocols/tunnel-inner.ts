/**
 * What a tunnel carries (an HTTP/1 CONNECT's after its 2xx, or a 101's to a protocol not read as HTTP/2 or WebSocket;
 * a SOCKS CONNECT's): the protocol its first octets name, detected as the engine detects a flow's, then read by that
 * protocol's parser.
 */

import type { ProtocolId } from '#core/protocol-id.ts';
import { detectProtocol } from '../engine/detect-protocol.ts';
import { type Direction, type ProtocolEvent, tunnelOperation } from '../events.ts';
import type { Protocol, ProtocolParser } from './protocol.ts';
import { tunnelProtocols } from './tunnel-protocols.ts';
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
 * protocol's events). `depth`: the tunnel's nesting (1 inside the flow's own HTTP or SOCKS). Deeper than
 * `maxTunnelDepth`, nothing is read. Until the inner protocol is known each direction's first `tunnelPrefixBytes` are
 * held, with the times they came at; a direction's octets past that are told to the parser as lost. Octets lost
 * before a verdict, or prefixes of both directions that no detector takes, stop the tunnel's reading.
 */
export const createTunnelInner = (carrier: ProtocolId, depth: number): TunnelInner => {
  let stopped = depth > maxTunnelDepth;
  let parser: ProtocolParser | undefined;
  const protocols: readonly Protocol[] = stopped ? [] : tunnelProtocols();
  const refused = new Uint8Array(protocols.length);
  let held: Held[] = [];
  const prefix: Record<Direction, Uint8Array> = {
    'to-server': new Uint8Array(0),
    'to-client': new Uint8Array(0),
  };
  const past: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };

  const start = (protocol: Protocol, direction: Direction, ts: number): ProtocolEvent[] => {
    const started = protocol.createParser(depth);
    parser = started;
    const found = `${tunnelOperation} ${protocol.id}`;
    const out: ProtocolEvent[] = [
      { kind: 'operation', protocol: carrier, operation: found, detail: protocol.id, direction, ts },
    ];
    for (const item of held) out.push(...started.parse(item.bytes, item.direction, item.ts));
    for (const side of ['to-server', 'to-client'] as const)
      if (past[side] > 0) out.push(...(started.gap(side, past[side]) ?? []));
    held = [];
    return out;
  };

  const stop = (): void => {
    stopped = true;
    held = [];
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
      if (parser !== undefined) return parser.parse(chunk, direction, ts);
      return stopped || chunk.length === 0 ? [] : hold(chunk, direction, ts);
    },
    gap(direction, lost) {
      if (parser !== undefined) return parser.gap(direction, lost) ?? [];
      if (lost !== 0) stop();
      return [];
    },
    end: () => parser?.end?.() ?? [],
  };
};
