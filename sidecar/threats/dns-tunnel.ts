/** DNS tunnelling: per client and registered domain, many unique long high-entropy subdomains, tunnel-friendly types or fat answers. */
import { z } from 'zod';
import { readsEvery } from '../engine/event-read.ts';
import type { DnsMessageEvent } from '../events.ts';
import { dnsTypeEntry, privateDnsType } from './policy-lists.ts';
import { registeredDomain } from './text/registered-domain.ts';
import { shannonEntropy } from './text/shannon-entropy.ts';
import { detectorConfig, type FlowContext, noHits, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { advanceEpisode, episode } from './window/episode.ts';

const config = detectorConfig('high', {
  windowMs: z.number().int().positive().default(60_000),
  /** Unique subdomains of one registered domain, from one client, within the window. */
  minUnique: z.number().int().positive().default(15),
  /** Average subdomain length (characters, dots excluded) that counts as long. */
  minAverageLength: z.number().positive().default(20),
  /** Average Shannon entropy (bits per character) that counts as encoded data. */
  minEntropy: z.number().positive().default(3.3),
  /** Average answer size (bytes) that counts as a download channel. */
  minAverageResponse: z.number().positive().default(256),
  /** One query is enough when its subdomain is this long with this entropy (or carries non-hostname bytes). */
  singleNameLength: z.number().int().positive().default(52),
  singleNameEntropy: z.number().positive().default(4.5),
  tunnelTypes: z.array(dnsTypeEntry).default(['TXT', 'NULL', 'CNAME', 'MX', 'SRV', 'PRIVATE', 'ANY', 'KEY']),
  /** Registered domains and suffixes never judged: cluster search paths, reverse lookups, CDNs and cloud SDK endpoints. */
  ignoreSuffixes: z
    .array(z.string())
    .default([
      'cluster.local',
      'local',
      'internal',
      'localdomain',
      'in-addr.arpa',
      'ip6.arpa',
      'amazonaws.com',
      'aws',
      'cloudfront.net',
      'akamaiedge.net',
      'akamai.net',
      'akamaized.net',
      'edgekey.net',
      'edgesuite.net',
      'fastly.net',
      'googleapis.com',
      'gvt1.com',
      '1e100.net',
      'googleusercontent.com',
      'windows.net',
      'azure.com',
      'azureedge.net',
      'cloudflare.net',
      'cloudapp.net',
      'trafficmanager.net',
    ]),
});
type Config = z.infer<typeof config>;

const stats = () => ({
  start: 0,
  queries: 0,
  unique: new Set<string>(),
  length: 0,
  entropy: 0,
  typed: 0,
  responses: 0,
  responseBytes: 0,
  episode: episode(),
});
type Stats = ReturnType<typeof stats>;

/** A new window from `ts` (in place: a window per client and domain restarts often), the episode carried over. */
const restart = (item: Stats, ts: number): void => {
  item.start = ts;
  item.queries = 0;
  item.unique.clear();
  item.length = 0;
  item.entropy = 0;
  item.typed = 0;
  item.responses = 0;
  item.responseBytes = 0;
};

/** `domain` is `suffix` or ends with `.suffix` (without building that text per suffix and query). */
const under = (domain: string, suffix: string): boolean =>
  domain.endsWith(suffix) &&
  (domain.length === suffix.length || domain.charCodeAt(domain.length - suffix.length - 1) === 46);

const ignored = (domain: string, c: Config): boolean => c.ignoreSuffixes.some((s) => under(domain, s));

/** A query type tunnels use: one the policy lists, or any of the private-use range when it lists `PRIVATE`. */
const tunnelType = (type: string, c: Config): boolean =>
  c.tunnelTypes.includes(type) || (privateDnsType(type) && c.tunnelTypes.includes('PRIVATE'));

const record = (item: Stats, event: DnsMessageEvent, sub: string, c: Config): void => {
  if (event.isResponse) {
    item.responses++;
    item.responseBytes += event.size;
    return;
  }
  item.queries++;
  if (tunnelType(event.questions[0]?.type.toUpperCase() ?? '', c)) item.typed++;
  if (sub === '' || item.unique.has(sub) || item.unique.size >= 1024) return;
  item.unique.add(sub);
  const bare = sub.replaceAll('.', '');
  item.length += bare.length;
  item.entropy += shannonEntropy(bare);
};

/** Why the window looks like a tunnel, or undefined. */
const judge = (item: Stats, c: Config): string | undefined => {
  const unique = item.unique.size;
  if (unique < c.minUnique) return undefined;
  const length = item.length / unique;
  const entropy = item.entropy / unique;
  const typed = item.queries === 0 ? 0 : item.typed / item.queries;
  const response = item.responses === 0 ? 0 : item.responseBytes / item.responses;
  if (length < c.minAverageLength) return undefined;
  const signs = [
    entropy >= c.minEntropy ? `entropy ${entropy.toFixed(2)} bits/char` : '',
    typed >= 0.5 ? `${Math.round(typed * 100)}% tunnel-friendly types` : '',
    response >= c.minAverageResponse ? `answers ${Math.round(response)} B on average` : '',
  ].filter((s) => s !== '');
  return signs.length === 0
    ? undefined
    : `${unique} unique subdomains averaging ${length.toFixed(0)} chars, ${signs.join(', ')}`;
};

/** A single query that already looks like exfiltration: binary bytes in the name, or a long random subdomain. */
const nameVerdict = (sub: string, c: Config): string | undefined => {
  if (/[^a-z0-9_.*-]/.test(sub)) return 'non-hostname characters in the query name';
  const bare = sub.replaceAll('.', '');
  if (bare.length < c.singleNameLength) return undefined;
  const entropy = shannonEntropy(bare);
  return entropy >= c.singleNameEntropy
    ? `a ${bare.length}-char subdomain with entropy ${entropy.toFixed(2)} bits/char`
    : undefined;
};

const keyOf = (
  event: DnsMessageEvent,
  flow: FlowContext,
): [key: string, domain: string, sub: string] | undefined => {
  const asked = event.questions[0]?.name.toLowerCase();
  if (asked === undefined) return undefined;
  const name = asked.endsWith('.') ? asked.slice(0, -1) : asked;
  if (name === '') return undefined;
  const domain = registeredDomain(name);
  const sub = name.length > domain.length ? name.slice(0, name.length - domain.length - 1) : '';
  return [`${flow.client.ip}|${domain}`, domain, sub];
};

export const dnsTunnel: Threat<typeof config, ReturnType<typeof boundedMap<Stats>>> = {
  id: 'dns-tunnel',
  on: ['dns-message'],
  reads: [readsEvery('dns-message')],
  config,
  scope: 'global',
  initialState: () => boundedMap(8192),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'dns-message' || flow === undefined) return noHits;
    const keyed = keyOf(event, flow);
    if (keyed === undefined || ignored(keyed[1], c)) return noHits;
    const item = state.upsert(keyed[0], stats);
    if (event.ts - item.start > c.windowMs) restart(item, event.ts);
    record(item, event, keyed[2], c);
    const reason = judge(item, c);
    const count = advanceEpisode(
      item.episode,
      event.ts,
      reason === undefined ? 0 : item.unique.size,
      c.minUnique,
    );
    const endpoints = { client: flow.client, server: flow.server };
    if (count > 0 && reason !== undefined) {
      const evidence = `${reason} under ${keyed[1]}`;
      return [
        {
          threat: 'dns-tunnel',
          severity: c.severity,
          confidence: 0.85,
          evidence,
          ts: event.ts,
          count,
          ...endpoints,
        },
      ];
    }
    const single = event.isResponse || item.episode.active ? undefined : nameVerdict(keyed[2], c);
    if (single === undefined) return noHits;
    const evidence = `${single} under ${keyed[1]}`;
    return [
      { threat: 'dns-tunnel', severity: c.severity, confidence: 0.6, evidence, ts: event.ts, ...endpoints },
    ];
  },
};
