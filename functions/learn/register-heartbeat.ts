/** Records what a tap's heartbeat says about its pod: its group, and its IPs (with expiry; never host-network). */
import type { HeartbeatFinding } from '#core/finding.ts';
import { groupKey, type PodRef } from '#core/workload.ts';
import type { GroupRecord, PodRecord, Store } from '#functions/platform/store/store.ts';
import type { LearnConfig } from './learn-config.ts';
import { isMeshControlGroup } from './mesh-control.ts';
import { workloadOfPod } from './workload-of-pod.ts';

const plusSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

export const podRecordOf = (pod: PodRef, heartbeat: HeartbeatFinding, config: LearnConfig): PodRecord => {
  const workload = workloadOfPod(pod, heartbeat, config.groupByLabel);
  const hostNetwork = heartbeat.hostNetwork === true;
  return {
    pod,
    group: groupKey(workload),
    workload,
    ips: heartbeat.ips,
    hostNetwork,
    lastSeen: heartbeat.at,
    expiresAt: plusSeconds(heartbeat.at, config.ipTtlSeconds),
  };
};

export const newGroup = (
  record: Pick<PodRecord, 'group' | 'workload'>,
  config: LearnConfig,
  at: string,
): GroupRecord => ({
  key: record.group,
  namespace: record.workload.namespace,
  name: record.workload.name,
  kind: record.workload.kind,
  mode: config.defaultMode,
  modeSince: at,
  meshControl: isMeshControlGroup(record.workload.namespace, record.workload.name),
});

/**
 * Learned rules to a pod IP seen before its pod's first heartbeat (`10.1.2.3/32`) name the pod by address;
 * once the IP belongs to a workload they are dropped, and the traffic is learned again by identity.
 */
const dropHostRules = async (store: Store, ips: readonly string[]): Promise<void> => {
  for (const ip of ips) {
    const key = `cidr:${ip}/${ip.includes(':') ? 128 : 32}`;
    for (const rule of await store.listRules({ group: key }))
      if (rule.source === 'learned') await store.deleteRule(rule.id);
  }
};

/**
 * Stores the pod, its group (created in the default mode the first time) and its IPs. A host-network pod
 * shares the node's IP with every other host-network pod, so its IPs are never attributed to it.
 */
export const registerHeartbeat = async (
  store: Store,
  pod: PodRef,
  heartbeat: HeartbeatFinding,
  config: LearnConfig,
): Promise<PodRecord> => {
  const record = podRecordOf(pod, heartbeat, config);
  await store.putPod(record);
  const existing = await store.getGroup(record.group);
  if (existing === undefined) {
    const group = newGroup(record, config, heartbeat.at);
    await store.putGroup(heartbeat.labels === undefined ? group : { ...group, labels: heartbeat.labels });
  } else if (
    heartbeat.labels !== undefined &&
    JSON.stringify(existing.labels) !== JSON.stringify(heartbeat.labels)
  ) {
    await store.putGroup({ ...existing, labels: heartbeat.labels });
  }
  if (!record.hostNetwork) {
    const fresh = [];
    for (const ip of record.ips)
      if ((await store.lookupIp(ip, heartbeat.at))?.podUid !== pod.uid) fresh.push(ip);
    await store.putIps(
      record.ips.map((ip) => ({ ip, podUid: pod.uid, group: record.group, expiresAt: record.expiresAt })),
    );
    await dropHostRules(store, fresh);
  }
  return record;
};
