/** An edge: one observed flow seen as group → peer, port and protocol, with its layer-7 facts. */
import type { FlowFinding } from '#core/finding.ts';
import type { ProtocolId, Transport } from '#core/protocol-id.ts';
import type { Peer } from '#core/rule.ts';

export type Edge = {
  from: Peer;
  to: Peer;
  transport: Transport;
  port: number;
  protocol: ProtocolId;
  methods: string[];
  paths: string[];
  dnsNames: string[];
  firstSeen: string;
  lastSeen: string;
  /** The group whose tap reported the flow and which end of it that group was. */
  reporter?: { group: string; side: 'client' | 'server' };
  meshControl: boolean;
  flow: FlowFinding;
};

/** The group peer of a `namespace/name` key. */
export const groupPeer = (key: string): Peer => {
  const slash = key.indexOf('/');
  return { type: 'group', namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};

export const samePeer = (a: Peer, b: Peer): boolean => JSON.stringify(a) === JSON.stringify(b);
