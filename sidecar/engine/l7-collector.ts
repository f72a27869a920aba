/**
 * Collects a flow's layer-7 facts from the protocol events its parser emits, into bounded lists and fields that
 * l7-summary.ts shapes into the finding's summary (core l7SummarySchema).
 */
import type { CertificateSummary } from '#core/finding.ts';
import type { DnsAnswer, ProtocolEvent, SmbEvent, TlsCertificateEvent } from '../events.ts';
import { grpcStatusName, grpcStatusOf } from '../protocols/grpc-status.ts';
import { graphqlOperationNames, graphqlRequest } from '../protocols/http-graphql.ts';
import { headerNamed } from '../protocols/http-head.ts';
import { cipherSuiteText } from '../protocols/tls-cipher-names.ts';
import { type BoundedSets, boundedAdd } from './bounded-set.ts';
import type { ForwardedTally } from './forwarded-clients.ts';
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

export type ListName = keyof typeof bounds;
export type Lists = BoundedSets<ListName>;
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

/** Answer records kept as `name type ttl data` (no spaces in names or in A, AAAA and CNAME data). */
const namingTypes = new Set(['A', 'AAAA', 'CNAME']);
const isNamingAnswer = (a: DnsAnswer): boolean =>
  namingTypes.has(a.type) &&
  a.name.length <= 255 &&
  a.data.length <= 255 &&
  !`${a.name}${a.data}`.includes(' ');

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
  // Told only past 64 frames of a kind or for a header block that runs on: the summary names the kind once.
  'http2-control': ({ lists }, event) => add(lists, 'operations', `http2 ${event.control}`),
};

export const collectL7 = (collector: L7Collector, event: ProtocolEvent): void => {
  (handlers[event.kind] as Handler<ProtocolEvent['kind']> | undefined)?.(collector, event as never);
};
