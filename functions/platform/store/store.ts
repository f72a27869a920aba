/** The store seam: everything the control plane persists, behind one interface with one adapter per backend. */
import type { Finding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import type { Rule } from '#core/rule.ts';
import type { PodRef, Workload } from '#core/workload.ts';

/** One stored finding, with the columns the API filters on. `id` is deterministic (`batchId#index`). */
export type FindingRecord = {
  id: string;
  batchId: string;
  podUid?: string;
  namespace: string;
  /** The group key (`namespace/name`) the finding is about, when known. */
  group?: string;
  kind: Finding['type'];
  /** ISO time the finding describes (its first-seen or `at`). */
  at: string;
  finding: Finding;
  /** For a violation: the rule that would allow it, which "allow" stores. */
  proposal?: Rule;
};

export type BatchRecord = { batchId: string; podUid: string; receivedAt: string; findings: FindingRecord[] };

export type FindingFilter = {
  batchId?: string;
  namespace?: string;
  group?: string;
  kind?: Finding['type'];
  since?: string;
  until?: string;
  limit?: number;
};

/** A workload group and its learning state. */
export type GroupRecord = {
  key: string;
  namespace: string;
  name: string;
  kind: Workload['kind'];
  mode: Mode;
  /** When the mode last changed (ISO). */
  modeSince: string;
  /** When a rule was last learned or widened for this group (ISO): the discover quiet clock. */
  lastLearned?: string;
  /** When this group last raised a violation (ISO): the monitor clean clock. */
  lastViolation?: string;
  /** Part of the mesh's own control plane (istiod, linkerd): hidden in views, never blocked. */
  meshControl: boolean;
  labels?: Record<string, string>;
};

export type PodRecord = {
  pod: PodRef;
  group: string;
  workload: Workload;
  ips: string[];
  hostNetwork: boolean;
  lastSeen: string;
  expiresAt: string;
};

/** Who held an IP, until when: pod IPs are reused, so every mapping expires with its pod. */
export type IpRecord = { ip: string; podUid: string; group: string; expiresAt: string };

/** What an IP was last resolved from, per the cluster's DNS answers, until when (the cluster's IP → FQDN cache). */
export type DnsNameRecord = { ip: string; fqdn: string; expiresAt: string };

/** A signed command waiting for its tap's next batch. */
export type PendingCommand = { id: string; podUid: string; expiresAt: number; token: string };

export type RuleFilter = { group?: string };

export type Store = {
  /** Stores a batch and its findings atomically; a batch id seen before is not stored again. */
  putBatch(batch: BatchRecord): Promise<'stored' | 'duplicate'>;
  /** Stores derived findings (violations); an id stored before is kept as it was. */
  putFindings(records: FindingRecord[]): Promise<void>;
  getFinding(id: string): Promise<FindingRecord | undefined>;
  /** Newest first. */
  listFindings(filter: FindingFilter): Promise<FindingRecord[]>;
  countFindings(): Promise<number>;
  putRules(rules: Rule[]): Promise<void>;
  getRule(id: string): Promise<Rule | undefined>;
  deleteRule(id: string): Promise<boolean>;
  /** Rules whose `from` or `to` is the group, or every rule. */
  listRules(filter?: RuleFilter): Promise<Rule[]>;
  putGroup(group: GroupRecord): Promise<void>;
  getGroup(key: string): Promise<GroupRecord | undefined>;
  listGroups(): Promise<GroupRecord[]>;
  putPod(pod: PodRecord): Promise<void>;
  getPod(uid: string): Promise<PodRecord | undefined>;
  listPods(): Promise<PodRecord[]>;
  putIps(records: IpRecord[]): Promise<void>;
  /** The holder of an IP at a time, unless its mapping has expired. */
  lookupIp(ip: string, at: string): Promise<IpRecord | undefined>;
  /** Records DNS answers (name → address); a later answer for an address replaces the earlier one. */
  putDnsNames(records: DnsNameRecord[]): Promise<void>;
  /** The name an address was resolved from at a time, unless that answer has expired. */
  lookupDnsName(ip: string, at: string): Promise<DnsNameRecord | undefined>;
  putCommand(command: PendingCommand): Promise<void>;
  /** Unexpired commands for a pod, removed as they are handed out (each is delivered once). */
  takeCommands(podUid: string, nowSeconds: number): Promise<PendingCommand[]>;
  close(): Promise<void>;
};

/** The peer key rules are indexed by: `namespace/name` for groups, `cidr:…`/`fqdn:…` otherwise. */
export const peerKey = (peer: Rule['from']): string => {
  if (peer.type === 'group') return `${peer.namespace}/${peer.name}`;
  return peer.type === 'cidr' ? `cidr:${peer.cidr}` : `fqdn:${peer.fqdn}`;
};
