/** Shapes a flow's collected layer-7 facts (l7-collector.ts) into its finding's summary (core l7SummarySchema). */
import type { L7Summary } from '#core/finding.ts';
import { boundedValues } from './bounded-set.ts';
import { forwardedClientsOf } from './forwarded-clients.ts';
import type { L7Collector, ListName, Lists } from './l7-collector.ts';

const maxAlpn = 16;

/** `value` without its undefined fields, or undefined when none is left. */
const compact = <T extends object>(value: T): T | undefined => {
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const v: unknown = value[key];
    if (Object.hasOwn(value, key) && v !== undefined) {
      out ??= {};
      out[key] = v;
    }
  }
  return out as T | undefined;
};

const splitQuery = (key: string): { name: string; type: string } => {
  const at = key.lastIndexOf(' ');
  return { name: key.slice(0, at), type: key.slice(at + 1) };
};

/** Answer records are kept as `name type ttl data` (l7-collector's isNamingAnswer: no spaces in them). */
const splitAnswer = (key: string) => {
  const [name = '', type = '', ttl = '0', data = ''] = key.split(' ');
  return { name, type, ttl: Number(ttl), data };
};

/**
 * Where each list goes in the summary: its section, its field there, and how its values are shaped (as they are when
 * no function is given). In the summary's key order, so output is stable whatever order the lists filled in; TLS, SSH
 * and `operations` follow them (l7Summary).
 */
const placements: readonly (readonly [ListName, keyof L7Summary, string, ((value: string) => unknown)?])[] = [
  ['httpMethods', 'http', 'methods'],
  ['httpPaths', 'http', 'paths'],
  ['httpStatuses', 'http', 'statuses'],
  ['httpHosts', 'http', 'hosts'],
  ['httpUserAgents', 'http', 'userAgents'],
  ['graphqlOperations', 'http', 'graphql'],
  ['grpcMethods', 'grpc', 'methods'],
  ['grpcStatuses', 'grpc', 'statuses'],
  ['dnsQueries', 'dns', 'queries', splitQuery],
  ['dnsRcodes', 'dns', 'rcodes'],
  ['dnsAnswers', 'dns', 'answers', splitAnswer],
  ['sqlVerbs', 'sql', 'verbs'],
  ['redisCommands', 'redis', 'commands'],
  ['kafkaTopics', 'kafka', 'topics'],
  ['kafkaApis', 'kafka', 'apis'],
  ['mqttTopics', 'mqtt', 'topics'],
  ['mqttPackets', 'mqtt', 'packets'],
  ['smbDialects', 'smb', 'dialects'],
  ['smbCommands', 'smb', 'commands'],
  ['smbShares', 'smb', 'shares'],
  ['smbPipes', 'smb', 'pipes'],
  ['smbUsers', 'smb', 'users'],
];

type Sections = Record<string, unknown>;

/** The lists' sections, in summary order; one small loop rather than an object per section for every flow. */
const listSections = (lists: Lists): Sections | undefined => {
  let out: Sections | undefined;
  for (const [name, section, field, shape] of placements) {
    const values = boundedValues(lists[name]);
    if (values === undefined) continue;
    out ??= {};
    out[section] ??= {};
    (out[section] as Record<string, unknown>)[field] = shape === undefined ? values : values.map(shape);
  }
  return out;
};

/** The flow's summary: its lists' sections, then TLS, SSH, `operations` and `forwarded`; undefined when all are empty. */
export const l7Summary = ({ lists, tls, ssh, forwarded }: L7Collector): L7Summary | undefined => {
  let out = listSections(lists);
  const tlsFacts = compact(tls);
  if (tlsFacts !== undefined) {
    if (tlsFacts.alpn !== undefined) tlsFacts.alpn = tlsFacts.alpn.slice(0, maxAlpn);
    out ??= {};
    out.tls = tlsFacts;
  }
  const sshFacts = compact(ssh);
  if (sshFacts !== undefined) {
    out ??= {};
    out.ssh = sshFacts;
  }
  const operations = boundedValues(lists.operations);
  if (operations !== undefined) {
    out ??= {};
    out.operations = operations;
  }
  if (forwarded !== undefined) {
    out ??= {};
    out.forwarded = forwardedClientsOf(forwarded);
  }
  return out as L7Summary | undefined;
};
