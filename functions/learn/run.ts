/** Learns from one stored batch: resolve flows to edges, widen rules in discover, raise violations otherwise. */
import type { Finding, FlowFinding, HeartbeatFinding } from '#core/finding.ts';
import type { Rule } from '#core/rule.ts';
import type { PodRef } from '#core/workload.ts';
import type {
  FindingRecord,
  GroupRecord,
  IpRecord,
  PodRecord,
  Store,
} from '#functions/platform/store/store.ts';
import type { Edge } from './edge.ts';
import { edgeOfFlow } from './edge-of-flow.ts';
import type { KubePeerResolver } from './kube-peer-resolver.ts';
import type { LearnConfig } from './learn-config.ts';
import { groupEnds, judgeEdge, type LearnSession, newSession } from './learn-session.ts';
import { progressMode } from './mode-progression.ts';
import { collapsePortRanges } from './port-ranges.ts';
import { newGroup, registerHeartbeat } from './register-heartbeat.ts';
import { resolveDnsNames } from './resolve-dns-names.ts';
import { resolveKubePeers } from './resolve-kube-peers.ts';

export type LearnInput = { batchId: string; pod: PodRef; receivedAt: string; findings: readonly Finding[] };
export type LearnDeps = {
  store: Store;
  config: LearnConfig;
  /** Where a cluster is configured: Kubernetes names the IPs no heartbeat claims. */
  kubePeers?: KubePeerResolver;
};

export type LearnOutcome = {
  flows: number;
  edges: number;
  skipped: Record<string, number>;
  rulesCreated: number;
  rulesWidened: number;
  rulesRemoved: number;
  violations: FindingRecord[];
  modeChanges: { group: string; from: GroupRecord['mode']; to: GroupRecord['mode'] }[];
};

const registerPods = async (input: LearnInput, deps: LearnDeps): Promise<PodRecord | undefined> => {
  const heartbeats = input.findings.filter((f): f is HeartbeatFinding => f.type === 'heartbeat');
  let self: PodRecord | undefined;
  for (const heartbeat of heartbeats)
    self = await registerHeartbeat(deps.store, input.pod, heartbeat, deps.config);
  return self ?? (await deps.store.getPod(input.pod.uid));
};

const resolveIps = async (store: Store, flows: readonly FlowFinding[]): Promise<Map<string, IpRecord>> => {
  const ips = new Map<string, IpRecord>();
  const seen = new Set<string>();
  for (const flow of flows) {
    for (const ip of [flow.client.ip, flow.server.ip]) {
      if (seen.has(ip)) continue;
      seen.add(ip);
      const record = await store.lookupIp(ip, flow.firstSeen);
      if (record !== undefined) ips.set(ip, record);
    }
  }
  return ips;
};

const edgesOf = async (input: LearnInput, deps: LearnDeps, self: PodRecord | undefined) => {
  const flows = input.findings.filter((f): f is FlowFinding => f.type === 'flow');
  const ips = await resolveIps(deps.store, flows);
  const kubeNames = await resolveKubePeers(deps.kubePeers, flows, ips);
  const names = new Map([...(await resolveDnsNames(deps.store, flows, ips)), ...kubeNames]);
  const edges: Edge[] = [];
  const skipped: Record<string, number> = {};
  for (const flow of flows) {
    const result = edgeOfFlow(flow, self === undefined ? { ips, names } : { self, ips, names });
    if ('edge' in result) edges.push(result.edge);
    else skipped[result.skipped] = (skipped[result.skipped] ?? 0) + 1;
  }
  return { flows: flows.length, edges, skipped };
};

/** Loads (or creates in the default mode) every group these edges touch, and every rule of those groups. */
const load = async (session: LearnSession, deps: LearnDeps, keys: Set<string>, at: string) => {
  for (const key of keys) {
    const slash = key.indexOf('/');
    const workload = { namespace: key.slice(0, slash), name: key.slice(slash + 1), kind: 'Pod' as const };
    session.groups.set(
      key,
      (await deps.store.getGroup(key)) ?? newGroup({ group: key, workload }, deps.config, at),
    );
    for (const rule of await deps.store.listRules({ group: key })) session.rules.set(rule.id, rule);
  }
};

const persistRules = async (session: LearnSession, store: Store, threshold: number): Promise<number> => {
  const collapsed = collapsePortRanges([...session.rules.values()], threshold);
  const removed = new Set(collapsed.removed);
  const changed = [...session.changed]
    .filter((id) => !removed.has(id))
    .map((id) => session.rules.get(id) as Rule);
  await store.putRules([...changed, ...collapsed.put]);
  for (const id of removed) await store.deleteRule(id);
  return removed.size;
};

const persistGroups = async (session: LearnSession, deps: LearnDeps, now: string, outcome: LearnOutcome) => {
  const violated = new Set(outcome.violations.map((v) => v.group));
  for (const [key, group] of session.groups) {
    let next: GroupRecord = { ...group };
    if (session.learnedGroups.has(key)) next.lastLearned = now;
    if (violated.has(key)) next.lastViolation = now;
    const progressed = progressMode(next, now, deps.config);
    if (progressed !== undefined) {
      outcome.modeChanges.push({ group: key, from: next.mode, to: progressed.mode });
      next = progressed;
    }
    await deps.store.putGroup(next);
  }
};

export const learnBatch = async (input: LearnInput, deps: LearnDeps): Promise<LearnOutcome> => {
  const self = await registerPods(input, deps);
  const { flows, edges, skipped } = await edgesOf(input, deps, self);
  const session = newSession(deps.config, input.batchId);
  const keys = new Set(edges.flatMap(groupEnds));
  if (self !== undefined) keys.add(self.group);
  await load(session, deps, keys, input.receivedAt);
  for (const edge of edges) judgeEdge(session, edge);
  const violations = [...session.violations.values()];
  const outcome: LearnOutcome = {
    flows,
    edges: edges.length,
    skipped,
    rulesCreated: session.created,
    rulesWidened: session.widened,
    rulesRemoved: await persistRules(session, deps.store, deps.config.portRangeThreshold),
    violations,
    modeChanges: [],
  };
  await deps.store.putFindings(violations);
  await persistGroups(session, deps, input.receivedAt, outcome);
  return outcome;
};
