/**
 * Cryptomining in a pod (MITRE ATT&CK T1496, resource hijacking): the commonest payload of a compromised Kubernetes
 * workload. Read from the bytes, on any port: a miner logging in to a pool, a pool handing out work, a miner handing
 * in shares, in any Stratum dialect (stratum-message.ts). From names, when the session itself is encrypted: a DNS
 * query or a TLS server name under a public mining pool's domain (mining-pools.ts). Falco matches pool ports and
 * names, nDPI any JSON with a "method" key; the session's own steps are what says mining here.
 *
 * Stateless: each step is a hit, and the runner merges a flow's hits into one finding, whose story is the surest
 * hit's (a login naming the account outranks a subscription naming only the software).
 */

import { z } from 'zod';
import { severitySchema } from '#core/finding.ts';
import { readsFirst } from '../engine/event-read.ts';
import type { DnsMessageEvent, MiningEvent, TlsClientHelloEvent } from '../events.ts';
import { domainSuffixesOf, domainUnder } from './domain-suffixes.ts';
import { defaultPoolDomains } from './mining-pools.ts';
import type { Story } from './operation-story.ts';
import { clip } from './text/clip.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {
  /** Also report DNS queries and TLS server names under these domains (suffix match on label boundaries). */
  names: z.boolean().default(true),
  /** Public mining pools' domains: the built-in list (mining-pools.ts) unless a policy replaces it. */
  poolDomains: z.array(z.string().min(1)).default([...defaultPoolDomains]),
  /** Domains added to `poolDomains` (a team's own pools or proxies), so a policy need not copy the list. */
  extraPoolDomains: z.array(z.string().min(1)).default([]),
  /** Severity of a name alone (the session not seen: encrypted, or only resolved). */
  nameSeverity: severitySchema.default('high'),
});
type Config = z.infer<typeof config>;

/** The domain lookup for each validated config. */
const domainsOf = domainSuffixesOf<Config>((c) => [...c.poolDomains, ...c.extraPoolDomains]);

const loginStory = (event: MiningEvent): Story => {
  const software = event.agent === undefined ? '' : ` with ${clip(event.agent, 80)}`;
  const algorithms =
    event.algorithms === undefined || event.algorithms.length === 0
      ? ''
      : ` (algorithms ${clip(event.algorithms.join(', '), 80)})`;
  if (event.user !== undefined)
    return {
      evidence: `logged in to a mining pool (Stratum ${event.method}) as ${clip(event.user)}${software}${algorithms}`,
      confidence: 1,
    };
  return {
    evidence: `subscribed to a mining pool's work (Stratum ${event.method})${software}`,
    confidence: 0.9,
  };
};

const stepStory = (event: MiningEvent): Story => {
  if (event.step === 'login') return loginStory(event);
  if (event.step === 'share')
    return { evidence: `handed in a mining share to a pool (Stratum ${event.method})`, confidence: 0.95 };
  const how = event.method === 'result' ? 'an answer carrying a job' : event.method;
  return { evidence: `a mining pool handed out work (Stratum ${how})`, confidence: 0.9 };
};

const fromSession = (event: MiningEvent, c: Config): ThreatHit[] => [
  { threat: 'cryptomining', severity: c.severity, ...stepStory(event), ts: event.ts },
];

const fromName = (ts: number, name: string, how: string, c: Config): ThreatHit[] => {
  const domain = domainUnder(name, domainsOf(c));
  if (domain === undefined) return noHits;
  const evidence = `${how} ${clip(name)}, under the mining pool domain ${domain}`;
  return [{ threat: 'cryptomining', severity: c.nameSeverity, confidence: 0.8, evidence, ts }];
};

const fromDns = (event: DnsMessageEvent, c: Config): ThreatHit[] => {
  if (event.isResponse) return noHits;
  for (const question of event.questions) {
    const hits = fromName(event.ts, question.name, `DNS query (${question.type}) for`, c);
    if (hits.length > 0) return hits;
  }
  return noHits;
};

const fromTls = (event: TlsClientHelloEvent, c: Config): ThreatHit[] =>
  event.sni === undefined ? noHits : fromName(event.ts, event.sni, 'TLS to server name', c);

export const cryptomining: Threat<typeof config, undefined> = {
  id: 'cryptomining',
  on: ['mining', 'dns-message', 'tls-client-hello'],
  reads: [readsFirst('mining'), readsFirst('dns-message'), readsFirst('tls-client-hello')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind === 'mining') return fromSession(event, c);
    if (!c.names) return noHits;
    if (event.kind === 'dns-message') return fromDns(event, c);
    return event.kind === 'tls-client-hello' ? fromTls(event, c) : noHits;
  },
};
