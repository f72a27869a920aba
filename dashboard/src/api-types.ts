/** The REST API's JSON as the dashboard reads it (mirrors functions/api/service-graph.ts and the store records). */

export type Mode = 'discover' | 'monitor' | 'protect';

export type GraphNode = {
  id: string;
  kind: 'group' | 'cidr' | 'fqdn';
  namespace?: string;
  mode?: Mode;
  meshControl: boolean;
};

export type GraphEdge = {
  id: string;
  from: string;
  to: string;
  port: number;
  portEnd?: number;
  protocol: string;
  encrypted: boolean;
  meshControl: boolean;
  hits: number;
  lastSeen: string;
};

export type ServiceGraph = { nodes: GraphNode[]; edges: GraphEdge[] };

export type Peer =
  | { type: 'group'; namespace: string; name: string }
  | { type: 'cidr'; cidr: string }
  | { type: 'fqdn'; fqdn: string };

export type Rule = {
  id: string;
  from: Peer;
  to: Peer;
  transport: string;
  port: number;
  portEnd?: number;
  protocol: string;
  http?: { methods: string[]; paths: string[] };
  dnsNames?: string[];
  source: 'learned' | 'manual';
  hits: number;
  firstSeen: string;
  lastSeen: string;
};

export type Group = {
  key: string;
  namespace: string;
  name: string;
  kind: string;
  mode: Mode;
  modeSince: string;
  meshControl: boolean;
  pods: number;
};

export type FindingRecord = {
  id: string;
  namespace: string;
  group?: string;
  kind: string;
  at: string;
  finding: Record<string, unknown> & { type: string };
  proposal?: Rule;
};

/** One audited action (functions/respond/store/response-store.ts AuditRecord). */
export type AuditEntry = {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  reason: string;
  status: string;
  detail: string[];
};

export type ExportResult = { format: string; warnings: string[]; yaml: string };

export const describePeer = (peer: Peer): string => {
  if (peer.type === 'group') return `${peer.namespace}/${peer.name}`;
  return peer.type === 'cidr' ? peer.cidr : peer.fqdn;
};

/** A pod of a group (functions/respond/api/pod-routes.ts PodView). */
export type PodView = {
  uid: string;
  namespace: string;
  name: string;
  group: string;
  lastSeen: string;
  live: boolean;
  quarantine?: { by: string; reason: string; at: string };
};

/** One capture (functions/respond/api/capture-views.ts CaptureView). */
export type CaptureView = {
  id: string;
  at: string;
  actor: string;
  reason: string;
  pod: string;
  status: 'pending' | 'uploaded' | 'failed';
  download?: string;
  packets?: number;
  bytes?: number;
  from?: string;
  to?: string;
  detail: string[];
};

/** What a pod action answered: the action's result and the id of its audit record. */
export type ActionOutcome = {
  result: { action: string; status: string; applied: string[]; notes: string[]; error?: string };
  audit: string;
};
