/** One conversation between two endpoints, oriented client → server, with counters; `state` belongs to the engine. */
import type { Endpoint } from '#core/finding.ts';
import type { Transport } from '#core/protocol-id.ts';

/**
 * How the client was chosen: from the handshake, by the port heuristic, as the first packet's sender, or from a
 * control connection's announcement (the listener it named is the server: engine/expected-flows.ts).
 */
export type Orientation = 'syn' | 'syn-ack' | 'port-heuristic' | 'first-packet' | 'announced';

export type FlowEndReason = 'closed' | 'idle' | 'evicted' | 'lifetime' | 'end-of-capture';

export type Flow<State> = {
  key: string;
  transport: Transport;
  client: Endpoint;
  server: Endpoint;
  orientation: Orientation;
  firstSeen: number;
  lastSeen: number;
  bytesToServer: number;
  bytesToClient: number;
  packetsToServer: number;
  packetsToClient: number;
  /** Set by the engine when the connection is over (FIN both ways, RST); the flow lingers briefly for late packets. */
  closed: boolean;
  endReason: FlowEndReason | undefined;
  state: State;
  /** Numeric identity for the table's fast path: IP protocol, VLAN, IPv4 addresses (-1 for IPv6). */
  protocolNumber: number;
  vlan: number;
  clientV4: number;
  serverV4: number;
  /** Used since the eviction sweep last passed it (second-chance LRU). */
  touched: boolean;
  /** Index in the table's recent-flow cache, or -1. */
  slot: number;
};
