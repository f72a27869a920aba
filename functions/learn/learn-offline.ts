/** Offline learning from captures: names IPs from Host/SNI (or a given map), then runs the learner in memory. */
import { isIP } from 'node:net';
import type { FlowFinding, HeartbeatFinding } from '#core/finding.ts';
import type { Rule } from '#core/rule.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { GroupRecord } from '#functions/platform/store/store.ts';
import { type LearnConfig, learnConfigSchema } from './learn-config.ts';
import { learnBatch } from './run.ts';

export type OfflineOptions = {
  /** IP → `namespace/name`, overriding what the capture suggests. */
  names?: Record<string, string>;
  config?: Partial<LearnConfig>;
};

export type OfflineResult = {
  rules: Rule[];
  groups: GroupRecord[];
  flows: number;
  skipped: Record<string, number>;
};

const privateIp = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|fd|fc)/i;

/** An in-cluster service name (`reviews`, `reviews.bookinfo.svc.cluster.local`) as `namespace/name`. */
export const serviceOfHost = (host: string): string | undefined => {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  if (name === '' || isIP(name) !== 0) return undefined;
  const labels = name.split('.');
  if (labels.length === 1) return `default/${name}`;
  const svc = labels.indexOf('svc');
  if (svc === 2 && (labels.length === 3 || labels.slice(3).join('.') === 'cluster.local'))
    return `${labels[1]}/${labels[0]}`;
  return undefined;
};

/** Who each IP is: the given map, else the service name clients used for it, else a private IP as itself. */
const nameIps = (flows: readonly FlowFinding[], given: Record<string, string>): Map<string, string> => {
  const names = new Map<string, string>();
  for (const flow of flows) {
    const host = flow.l7?.http?.hosts?.[0] ?? flow.tls?.sni;
    const service = host === undefined ? undefined : serviceOfHost(host);
    if (service !== undefined && !names.has(flow.server.ip)) names.set(flow.server.ip, service);
  }
  for (const flow of flows) {
    for (const ip of [flow.client.ip, flow.server.ip]) {
      if (!names.has(ip) && privateIp.test(ip)) names.set(ip, `capture/${ip.replace(/[.:]/g, '-')}`);
    }
  }
  for (const [ip, name] of Object.entries(given)) names.set(ip, name);
  return names;
};

const heartbeatOf = (ip: string, group: string, at: string): HeartbeatFinding => ({
  type: 'heartbeat',
  ips: [ip],
  owner: { kind: 'Deployment', name: group.slice(group.indexOf('/') + 1) },
  at,
});

export const learnFromFlows = async (
  flows: readonly FlowFinding[],
  options: OfflineOptions = {},
): Promise<OfflineResult> => {
  const config = learnConfigSchema.parse({ ipTtlSeconds: 100 * 365 * 86_400, ...(options.config ?? {}) });
  const store = openSqliteStore(':memory:');
  const deps = { store, config };
  const names = nameIps(flows, options.names ?? {});
  const start = flows.map((f) => f.firstSeen).sort()[0] ?? new Date(0).toISOString();
  const end =
    flows
      .map((f) => f.lastSeen)
      .sort()
      .at(-1) ?? start;
  for (const [ip, group] of names) {
    const pod = {
      namespace: group.slice(0, group.indexOf('/')),
      name: `${group.slice(group.indexOf('/') + 1)}-${ip}`,
      uid: `ip:${ip}`,
    };
    await learnBatch(
      { batchId: `hello-${ip}`, pod, receivedAt: start, findings: [heartbeatOf(ip, group, start)] },
      deps,
    );
  }
  const skipped: Record<string, number> = {};
  const byClient = new Map<string, FlowFinding[]>();
  for (const flow of flows) byClient.set(flow.client.ip, [...(byClient.get(flow.client.ip) ?? []), flow]);
  for (const [client, batch] of byClient) {
    const group = names.get(client) ?? `capture/${client}`;
    const pod = { namespace: group.slice(0, group.indexOf('/')), name: client, uid: `ip:${client}` };
    const outcome = await learnBatch(
      { batchId: `flows-${client}`, pod, receivedAt: end, findings: batch },
      deps,
    );
    for (const [reason, n] of Object.entries(outcome.skipped)) skipped[reason] = (skipped[reason] ?? 0) + n;
  }
  const result = {
    rules: await store.listRules(),
    groups: await store.listGroups(),
    flows: flows.length,
    skipped,
  };
  await store.close();
  return result;
};
