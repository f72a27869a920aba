/**
 * What observers may ask the engine between its calls (ADR 0015): the live state of a TCP connection in the flow
 * table, so a detector that watches connections (slowloris) reads the engine's counters instead of keeping a second
 * table updated on every packet.
 */
import type { Endpoint } from '#core/finding.ts';
import type { FlowFinder } from '../flow/flow-table.ts';
import type { FlowState } from './flow-state.ts';

/** A TCP connection as the flow table holds it now. Refilled by each call: read it at once, do not keep it. */
export type ConnectionFacts = {
  /** Capture time of its first packet (ms). */
  opened: number;
  /** Payload bytes the asked-about client sent so far. */
  sent: number;
  /**
   * Over for this client: it sent its FIN (it will send nothing more), or the connection was reset or closed both
   * ways (it lingers in the table briefly for late packets).
   */
  closed: boolean;
};

export type EngineView = {
  /** The connection `client` opened to `server` (VLAN 0 unless given), or undefined when the table holds none. */
  connection(client: Endpoint, server: Endpoint, vlan?: number): ConnectionFacts | undefined;
};

const tcp = 6;

/** The view over a flow table's lookup by endpoints. */
export const engineView = (find: FlowFinder<FlowState>): EngineView => {
  const facts: ConnectionFacts = { opened: 0, sent: 0, closed: false };
  return {
    connection(client, server, vlan = 0) {
      const flow = find(tcp, client.ip, client.port, server.ip, server.port, vlan);
      if (flow === undefined) return undefined;
      const fromClient = flow.client.port === client.port && flow.client.ip === client.ip;
      facts.opened = flow.firstSeen;
      facts.sent = fromClient ? flow.bytesToServer : flow.bytesToClient;
      // FlowState.fins: bit 1 the client's FIN, bit 2 the server's.
      facts.closed = flow.closed || (flow.state.fins & (fromClient ? 1 : 2)) !== 0;
      return facts;
    },
  };
};
