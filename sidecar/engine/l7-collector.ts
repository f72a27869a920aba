/** Builds a flow's bounded layer-7 summary (core l7SummarySchema) from the protocol events its parser emits. */
import type { CertificateSummary, L7Summary } from '#core/finding.ts';
import type { DnsAnswer, ProtocolEvent, SmbEvent, TlsCertificateEvent } from '../events.ts';
import { grpcStatusName, grpcStatusOf } from '../protocols/grpc-status.ts';
import { graphqlOperationNames, graphqlRequest } from '../protocols/http-graphql.ts';
import { headerNamed } from '../protocols/http-head.ts';
import { cipherSuiteText } from '../protocols/tls-cipher-names.ts';
import { type BoundedSets, boundedAdd, boundedValues } from './bounded-set.ts';
import { type ForwardedTally, forwardedClientsOf } from './forwarded-clients.ts';
import { pathTemplate } from './path-template.ts';
import { sqlVerb } from './sql-verb.ts';

const bounds = {
  httpMethods: 64,
  httpPaths: 64,
  httpStatuses: 64,
  httpHosts: 64,
  httpUserAgents: 16,
  graphqlOperations: 64,
  grpcMethods: 64,
  grpcStatuses: 17,
  dnsQueries: 64,
  dnsRcodes: 64,
  dnsAnswers: 64,
  sqlVerbs: 64,
  redisCommands: 64,
  kafkaTopics: 64,
  kafkaApis: 64,
  mqttTopics: 64,
  mqttPackets: 64,
  smbDialects: 4,
  smbCommands: 64,
  smbShares: 64,
  smbPipes: 64,
  smbUsers: 16,
  operations: 64,
} as const;

type ListName = keyof typeof bounds;
type Lists = BoundedSets<ListName>;
export type TlsFacts = {
  sni?: string;
  alpn?: string[];
  version?: string;
  ja3?: string;
  ja3Hash?: string;
  ja4?: string;
  cipher?: string;
  ja3s?: string;
  ja3sHash?: string;
  certificate?: CertificateSummary;
  clientCertificate?: CertificateSummary;
};
type Ssh = { client?: string; server?: string; hassh?: string; hasshServer?: string };

/** One flow's collected facts; each list is allocated when something is first added to it. */
export type L7Collector = {
  lists: Lists;
  tls: TlsFacts;
  ssh: Ssh;
  /** Behind trusted forwarding proxies (ADR 31): the flow's peer is one, decided on its first request. */
  trustedPeer: boolean | undefined;
  /** The clients its requests named through them, once one did. */
  forwarded: ForwardedTally | undefined;
};

const maxAlpn = 16;

export const createL7Collector = (): L7Collector => ({
  lists: {},
  tls: {},
  ssh: {},
  trustedPeer: undefined,
  forwarded: undefined,
});

const add = (lists: Lists, name: ListName, value: string): void =>
  boundedAdd(lists, name, bounds[name], value);

/** `DOMAIN\\user`, `user`, or how the client logged in when it named no one (`anonymous`, `kerberos`). */
const smbUser = (event: SmbEvent): string => {
  if (event.user === undefined) return event.auth ?? 'unknown';
  return event.domain === undefined ? event.user : `${event.domain}\\${event.user}`;
};

const statusClass = (status: number): string =>
  status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';

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

/** Answer records kept as `name type ttl data` (no spaces in names or in A, AAAA and CNAME data). */
const namingTypes = new Set(['A', 'AAAA', 'CNAME']);
const isNamingAnswer = (a: DnsAnswer): boolean =>
  namingTypes.has(a.type) &&
  a.name.length <= 255 &&
  a.data.length <= 255 &&
  !`${a.name}${a.data}`.includes(' ');
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

type Handler<K extends ProtocolEvent['kind']> = (
  c: L7Collector,
  event: Extract<ProtocolEvent, { kind: K }>,
) => void;

const onHttpRequest: Handler<'http-request'> = ({ lists: l }, event) => {
  add(l, 'httpMethods', event.method);
  add(l, 'httpPaths', pathTemplate(event.path));
  const host = headerNamed(event.headers, 'host') ?? headerNamed(event.headers, ':authority');
  if (host !== undefined) add(l, 'httpHosts', host);
  const agent = headerNamed(event.headers, 'user-agent');
  if (agent !== undefined) add(l, 'httpUserAgents', agent);
  const graphql = graphqlRequest(event);
  if (graphql !== undefined)
    for (const name of graphqlOperationNames(graphql)) add(l, 'graphqlOperations', name);
};

const onClientHello: Handler<'tls-client-hello'> = ({ tls }, event) => {
  if (event.sni !== undefined) tls.sni = event.sni;
  tls.alpn = [...event.alpn];
  tls.version ??= event.version;
  tls.ja3 = event.ja3;
  tls.ja3Hash = event.ja3Hash;
  tls.ja4 = event.ja4;
};

/** An epoch time as the schema's ISO text; undefined when it is not a date (a certificate's unparsed validity). */
const isoTime = (ms: number): string | undefined =>
  Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined;

/** The summary's view of a Certificate message: its leaf's facts that a person or a rule would look up. */
export const certificateSummary = (event: TlsCertificateEvent): CertificateSummary => {
  const { leaf, chain, problem } = event;
  if (leaf === undefined) return problem === undefined ? { chain } : { chain, problem };
  const summary: CertificateSummary = {
    subject: leaf.subject,
    issuer: leaf.issuer,
    names: [...leaf.names, ...leaf.addresses],
    sha1: leaf.sha1,
    keyType: leaf.keyType,
    selfSigned: leaf.selfSigned,
    chain,
  };
  const notBefore = isoTime(leaf.notBefore);
  const notAfter = isoTime(leaf.notAfter);
  if (notBefore !== undefined) summary.notBefore = notBefore;
  if (notAfter !== undefined) summary.notAfter = notAfter;
  if (leaf.keyBits !== undefined) summary.keyBits = leaf.keyBits;
  if (leaf.signature !== undefined) summary.signature = leaf.signature;
  return summary;
};

const addAll = (lists: Lists, name: ListName, values: readonly string[]): void => {
  for (const value of values) add(lists, name, value);
};

const handlers: { [K in ProtocolEvent['kind']]: Handler<K> } = {
  'http-request': onHttpRequest,
  'http-response': ({ lists }, event) => {
    add(lists, 'httpStatuses', statusClass(event.status));
    const grpc = grpcStatusOf(event.headers);
    if (grpc !== undefined) add(lists, 'grpcStatuses', grpcStatusName(grpc));
  },
  'grpc-call': ({ lists }, event) => add(lists, 'grpcMethods', `${event.service}/${event.method}`),
  'tls-client-hello': onClientHello,
  'tls-server-hello': ({ tls }, event) => {
    tls.version = event.version;
    tls.cipher = cipherSuiteText(event.cipherSuite);
    tls.ja3s = event.ja3s;
    tls.ja3sHash = event.ja3sHash;
  },
  'tls-certificate': ({ tls }, event) => {
    tls[event.direction === 'to-client' ? 'certificate' : 'clientCertificate'] = certificateSummary(event);
  },
  'tls-record': () => undefined,
  'dns-message': ({ lists }, event) => {
    for (const question of event.questions) add(lists, 'dnsQueries', `${question.name} ${question.type}`);
    if (!event.isResponse) return;
    add(lists, 'dnsRcodes', event.rcode);
    for (const a of event.answers)
      if (isNamingAnswer(a)) add(lists, 'dnsAnswers', `${a.name} ${a.type} ${a.ttl} ${a.data}`);
  },
  'sql-query': ({ lists }, event) => {
    const verb = sqlVerb(event.text);
    if (verb !== undefined) add(lists, 'sqlVerbs', verb);
  },
  'db-auth': () => undefined,
  // Read only as far as observers ask (summaryDirections is empty for ftp-data): nothing for the summary.
  'file-data': () => undefined,
  'expected-flow': () => undefined,
  // Its method is an operation event too; the login's account and software are the cryptomining finding's.
  mining: () => undefined,
  // Its steps are operation events too; the info hashes and byte counts are the p2p-file-sharing finding's.
  p2p: () => undefined,
  'redis-command': ({ lists }, event) => add(lists, 'redisCommands', event.command.toUpperCase()),
  // Replies are the threat detectors' (redis-abuse): the summary lists the commands.
  'redis-reply': () => undefined,
  'kafka-request': ({ lists }, event) => {
    add(lists, 'kafkaApis', event.api);
    addAll(lists, 'kafkaTopics', event.topics);
  },
  mqtt: ({ lists }, event) => {
    add(lists, 'mqttPackets', event.packet);
    addAll(lists, 'mqttTopics', event.topics);
  },
  'ssh-banner': ({ ssh }, event) => {
    ssh[event.direction === 'to-server' ? 'client' : 'server'] = event.software;
  },
  'ssh-kexinit': ({ ssh }, event) => {
    ssh[event.direction === 'to-server' ? 'hassh' : 'hasshServer'] = event.hassh;
  },
  smb: ({ lists }, event) => {
    add(lists, 'smbCommands', event.command);
    if (event.dialect !== undefined) add(lists, 'smbDialects', event.dialect);
    if (event.ok !== true) return;
    if (event.command === 'tree-connect' && event.share !== undefined) add(lists, 'smbShares', event.share);
    if (event.pipe === true && event.name !== undefined) add(lists, 'smbPipes', event.name);
    if (event.command === 'session-setup') add(lists, 'smbUsers', smbUser(event));
  },
  operation: ({ lists }, event) => add(lists, 'operations', event.operation),
  'websocket-message': ({ lists }, event) => add(lists, 'operations', `websocket ${event.opcode}`),
};

export const collectL7 = (collector: L7Collector, event: ProtocolEvent): void => {
  (handlers[event.kind] as Handler<ProtocolEvent['kind']> | undefined)?.(collector, event as never);
};
