/**
 * DNS that leaves by another road than the cluster's resolver: DNS over HTTPS, TLS or QUIC to a public resolver
 * (MITRE ATT&CK T1071.004 and T1572). What a workload resolves that way, CoreDNS never sees, so neither DNS policy nor
 * logging nor `dns-tunnel` on port 53 does; malware uses it for command and control (Godlua, PsiXBot, dnstt's
 * tunnels), and so do browsers and some runtimes on their own. Told once per flow, from the first of:
 * - a TLS or QUIC ClientHello offering ALPN `doq` (RFC 9250) or `dot`, or naming a public resolver (SNI,
 *   `public-resolvers.ts`), or naming no server at all while it goes to a public resolver's address;
 * - a DNS message read in plaintext HTTP (RFC 8484 or the JSON API: `http-doh.ts`), to any server not allowed.
 * A team's own resolvers go in `allowServers`; names of resolvers it sanctions can be taken out of `resolverNames`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import type { DnsMessageEvent, TlsClientHelloEvent } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { domainSuffixesOf, domainUnder } from './domain-suffixes.ts';
import { defaultResolverAddresses, defaultResolverNames } from './public-resolvers.ts';
import { clip } from './text/clip.ts';
import { detectorConfig, type FlowContext, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Public resolvers' names (suffix match on label boundaries): the built-in list unless a policy replaces it. */
  resolverNames: z.array(z.string().min(1)).default([...defaultResolverNames]),
  /** Names added to `resolverNames`, so a policy need not copy the list. */
  extraResolverNames: z.array(z.string().min(1)).default([]),
  /** Public resolvers' addresses (or CIDRs): TLS to one of them that names no server is DNS over TLS or HTTPS. */
  resolverAddresses: allowList().default([...defaultResolverAddresses]),
  /** Report DNS read in plaintext HTTP requests to servers not in `allowServers`. */
  plaintext: z.boolean().default(true),
  /** The resolvers a team runs or sanctions: never reported (an address, address:port, CIDR or CIDR:port). */
  allowServers: allowList(),
});
type Config = z.infer<typeof config>;

const namesOf = domainSuffixesOf<Config>((c) => [...c.resolverNames, ...c.extraResolverNames]);

/**
 * An SNI that is an address literal names no server (RFC 6066 §3 forbids it, and some clients send one anyway):
 * IPv4, or IPv6 with or without its URL brackets.
 */
const namesNoServer = (sni: string | undefined): boolean =>
  sni === undefined ||
  sni === '' ||
  isIP(sni.startsWith('[') && sni.endsWith(']') ? sni.slice(1, -1) : sni) !== 0;

type Told = { evidence: string; confidence: number };

const fromHello = (event: TlsClientHelloEvent, flow: FlowContext, c: Config): Told | undefined => {
  const over = flow.transport === 'udp' ? 'QUIC' : 'TLS';
  const to = `${flow.server.ip}:${flow.server.port}`;
  if (event.alpn.includes('doq')) return { evidence: `DNS over QUIC (ALPN doq) to ${to}`, confidence: 1 };
  if (event.alpn.includes('dot')) return { evidence: `DNS over TLS (ALPN dot) to ${to}`, confidence: 1 };
  const sni = event.sni;
  if (sni !== undefined && domainUnder(sni, namesOf(c)) !== undefined) {
    const alpn = clip(event.alpn.join(',') || 'none');
    return {
      evidence: `${over} to the public DNS resolver ${clip(sni)} at ${to} (ALPN ${alpn})`,
      confidence: 0.9,
    };
  }
  if (namesNoServer(sni) && isAllowedServer(flow.server, c.resolverAddresses))
    return { evidence: `${over} naming no server to the public DNS resolver address ${to}`, confidence: 0.8 };
  return undefined;
};

const fromMessage = (event: DnsMessageEvent, flow: FlowContext, c: Config): Told | undefined => {
  if (!c.plaintext || event.transport !== 'http' || event.isResponse) return undefined;
  const question = event.questions[0];
  const asked = question === undefined ? '' : ` for ${clip(question.name)} ${question.type}`;
  return {
    evidence: `DNS over HTTP${asked} to ${flow.server.ip}:${flow.server.port}, read in plaintext`,
    confidence: 1,
  };
};

export const encryptedDns: Threat<typeof config, undefined> = {
  id: 'encrypted-dns',
  on: ['tls-client-hello', 'dns-message'],
  reads: [
    readsFirst('tls-client-hello'),
    { ...readsFirst('dns-message'), protocols: ['http', 'http2', 'grpc'] },
  ],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (flow === undefined || isAllowedServer(flow.server, c.allowServers)) return noHits;
    let told: Told | undefined;
    if (event.kind === 'tls-client-hello') told = fromHello(event, flow, c);
    else if (event.kind === 'dns-message') told = fromMessage(event, flow, c);
    if (told === undefined) return noHits;
    return [{ threat: 'encrypted-dns', severity: c.severity, ...told, ts: event.ts }];
  },
};
