/** The cluster's IP → FQDN cache entries a batch's DNS answers give: each address named by the name the pod asked for. */
import { isIP } from 'node:net';
import type { FlowFinding } from '#core/finding.ts';
import type { DnsNameRecord } from '#functions/platform/store/store.ts';

/**
 * An answer names its address for at least five minutes whatever its TTL (clients keep connections open long
 * after a short CDN TTL, and the connection is what gets learned), and at most a day.
 */
export const dnsNameTtlBounds = { minSeconds: 300, maxSeconds: 86_400 } as const;
const maxCnameHops = 8;

const normal = (name: string): string => name.toLowerCase().replace(/\.$/, '');

const expiry = (lastSeen: string, ttl: number): string => {
  const seconds = Math.min(Math.max(ttl, dnsNameTtlBounds.minSeconds), dnsNameTtlBounds.maxSeconds);
  return new Date(Date.parse(lastSeen) + seconds * 1000).toISOString();
};

/** Follows CNAMEs back from an address record's owner to the name that was asked for (RFC 1034 §3.6.2). */
const askedName = (owner: string, aliasOf: ReadonlyMap<string, string>, asked: ReadonlySet<string>) => {
  let name = owner;
  for (let hop = 0; hop < maxCnameHops && !asked.has(name); hop++) {
    const alias = aliasOf.get(name);
    if (alias === undefined) break;
    name = alias;
  }
  return name;
};

const namesOfFlow = (flow: FlowFinding): DnsNameRecord[] => {
  const dns = flow.l7?.dns;
  const answers = dns?.answers ?? [];
  if (answers.length === 0) return [];
  const asked = new Set((dns?.queries ?? []).map((q) => normal(q.name)));
  const aliasOf = new Map<string, string>();
  for (const a of answers) if (a.type === 'CNAME') aliasOf.set(normal(a.data), normal(a.name));
  const out: DnsNameRecord[] = [];
  for (const a of answers) {
    if ((a.type !== 'A' && a.type !== 'AAAA') || isIP(a.data) === 0) continue;
    const fqdn = askedName(normal(a.name), aliasOf, asked);
    if (fqdn !== '') out.push({ ip: a.data, fqdn, expiresAt: expiry(flow.lastSeen, a.ttl) });
  }
  return out;
};

/** Every address the batch's DNS answers resolved, in flow order (a later answer for an address wins). */
export const dnsNamesOfFlows = (flows: readonly FlowFinding[]): DnsNameRecord[] => flows.flatMap(namesOfFlow);
