/** Names the batch's IPs that are no pod's from the cluster's DNS answers (the IP → FQDN cache in the store). */
import type { FlowFinding } from '#core/finding.ts';
import type { IpRecord, Store } from '#functions/platform/store/store.ts';
import { dnsNamesOfFlows } from './dns-names-of-flows.ts';

/** Stores the batch's answers first, so a name resolved and connected to within one batch is named already. */
export const resolveDnsNames = async (
  store: Store,
  flows: readonly FlowFinding[],
  ips: ReadonlyMap<string, IpRecord>,
): Promise<Map<string, string>> => {
  const answers = dnsNamesOfFlows(flows);
  if (answers.length > 0) await store.putDnsNames(answers);
  const names = new Map<string, string>();
  const seen = new Set<string>();
  for (const flow of flows) {
    for (const ip of [flow.client.ip, flow.server.ip]) {
      if (seen.has(ip) || ips.has(ip)) continue;
      seen.add(ip);
      const record = await store.lookupDnsName(ip, flow.firstSeen);
      if (record !== undefined) names.set(ip, record.fqdn);
    }
  }
  return names;
};
