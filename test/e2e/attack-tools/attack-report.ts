/** The e2e's printed report: per attack, each expected threat found or not with its count; extras; benign traffic and false positives; nDPI alongside. */
import type { Finding, ThreatFinding } from '#core/finding.ts';
import type { NdpiFlow } from '#test/helpers/ndpi-reader.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { addresses } from './attack-lab.ts';
import type { Attack } from './attacks.ts';

/** Addresses on the benign client's link: a threat naming one of them is a false positive. */
export const benignSide = (ip: string) => ip === addresses.benign || ip === addresses.victimForBenign;

/** The findings one attack must have produced: its threat ids, the attacker as client, its target. */
export const detections = (attack: Attack, threats: readonly ThreatFinding[]) =>
  attack.threats.map((id) => {
    const found = threats.filter(
      (f) => f.threat === id && f.client.ip === addresses.attacker && attack.matches(f),
    );
    return { id, findings: found.length, count: found.reduce((sum, f) => sum + f.count, 0) };
  });

/** Threats on attack traffic no attack asked for (e.g. sqlmap's own XSS probe), by threat and server port. */
const extras = (attacks: readonly Attack[], threats: readonly ThreatFinding[]): Record<string, number> => {
  const expected = (f: ThreatFinding) => attacks.some((a) => a.threats.includes(f.threat) && a.matches(f));
  const out: Record<string, number> = {};
  for (const f of threats.filter((t) => !benignSide(t.client.ip) && !expected(t))) {
    const key = `${f.threat} to port ${f.server.port}`;
    out[key] = (out[key] ?? 0) + f.count;
  }
  return out;
};

export const attackReport = (
  findings: readonly Finding[],
  attacks: readonly Attack[],
  benign: { requests: number },
  tun: boolean,
): string[] => {
  const { flows, threats } = splitFindings(findings);
  const ran = attacks.filter((a) => tun || a.needsTun !== true);
  const rows = attacks.map((attack) => {
    if (!ran.includes(attack)) return `  ${attack.name}: skipped (no /dev/net/tun)`;
    const found = detections(attack, threats).map(
      (d) => `${d.id} ${d.findings > 0 ? 'yes' : 'NO'} (${d.count})`,
    );
    return `  ${attack.name}: ${found.join(', ')}`;
  });
  const detected = ran.filter((a) => detections(a, threats).every((d) => d.findings > 0)).length;
  const flagged = threats.filter((f) => benignSide(f.client.ip) || benignSide(f.server.ip));
  const benignFlows = flows.filter((f) => f.client.ip === addresses.benign).length;
  return [
    `  detected ${detected} of ${ran.length} attacks (count = occurrences in the findings):`,
    ...rows,
    `  also raised on attack traffic: ${JSON.stringify(extras(attacks, threats))}`,
    `  benign: ${benign.requests} requests in ${benignFlows} flows, ${flagged.length} flagged`,
    ...flagged.map((f) => `    FALSE POSITIVE ${f.threat}: ${f.evidence}`),
  ];
};

/** nDPI on the same capture, for comparison only: its risk names over attacker flows and over benign flows. */
export const ndpiReport = (flows: readonly NdpiFlow[]): string[] => {
  const hostOf = (endpoint: string) => endpoint.split(':')[0] ?? '';
  const tally = (side: (ip: string) => boolean) => {
    const out: Record<string, number> = {};
    for (const flow of flows.filter((f) => side(hostOf(f.a)) || side(hostOf(f.b))))
      for (const risk of new Set(flow.risks)) out[risk] = (out[risk] ?? 0) + 1;
    return JSON.stringify(out);
  };
  return [
    `  nDPI on the same capture (${flows.length} flows), flows per risk:`,
    `    attacker: ${tally((ip) => ip === addresses.attacker)}`,
    `    benign: ${tally(benignSide)}`,
  ];
};
