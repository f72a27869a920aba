/** Builds a flow's bounded layer-7 summary (core l7SummarySchema) from the protocol events its parser emits. */
import type { L7Summary } from '#core/finding.ts';
import type { DnsAnswer, ProtocolEvent } from '../events.ts';
import { type BoundedSets, boundedAdd, boundedValues } from './bounded-set.ts';
import { pathTemplate } from './path-template.ts';
import { sqlVerb } from './sql-verb.ts';

const bounds = {
  httpMethods: 64,
  httpPaths: 64,
  httpStatuses: 64,
  httpHosts: 64,
  httpUserAgents: 16,
  grpcMethods: 64,
  dnsQueries: 64,
  dnsRcodes: 64,
  dnsAnswers: 64,
  sqlVerbs: 64,
  redisCommands: 64,
  kafkaTopics: 64,
  kafkaApis: 64,
  mqttTopics: 64,
  mqttPackets: 64,
  operations: 64,
} as const;

type ListName = keyof typeof bounds;
type Lists = BoundedSets<ListName>;
export type TlsFacts = { sni?: string; alpn?: string[]; version?: string; ja3?: string; ja3Hash?: string };
type Ssh = { client?: string; server?: string };

/** One flow's collected facts; each list is allocated when something is first added to it. */
export type L7Collector = { lists: Lists; tls: TlsFacts; ssh: Ssh };

const maxAlpn = 16;

export const createL7Collector = (): L7Collector => ({ lists: {}, tls: {}, ssh: {} });

const add = (lists: Lists, name: ListName, value: string): void =>
  boundedAdd(lists, name, bounds[name], value);

const statusClass = (status: number): string =>
  status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';

const header = (headers: readonly (readonly [string, string])[], name: string): string | undefined =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1];

/** Drops the keys whose value is undefined, so the summary has only what was seen. */
/** `value` without its undefined fields, or undefined when none is left; once per summary field of every flow, so no entry arrays. */
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

const only = (set: Set<string> | undefined, key: string): Record<string, string[]> | undefined => {
  const values = boundedValues(set);
  return values === undefined ? undefined : { [key]: values };
};

export const l7Summary = ({ lists: l, tls, ssh }: L7Collector): L7Summary | undefined =>
  compact<L7Summary>({
    http: compact({
      methods: boundedValues(l.httpMethods),
      paths: boundedValues(l.httpPaths),
      statuses: boundedValues(l.httpStatuses),
      hosts: boundedValues(l.httpHosts),
      userAgents: boundedValues(l.httpUserAgents),
    }),
    grpc: only(l.grpcMethods, 'methods') as L7Summary['grpc'],
    dns: compact({
      queries: boundedValues(l.dnsQueries)?.map(splitQuery),
      rcodes: boundedValues(l.dnsRcodes),
      answers: boundedValues(l.dnsAnswers)?.map(splitAnswer),
    }),
    sql: only(l.sqlVerbs, 'verbs') as L7Summary['sql'],
    redis: only(l.redisCommands, 'commands') as L7Summary['redis'],
    kafka: compact({ topics: boundedValues(l.kafkaTopics), apis: boundedValues(l.kafkaApis) }),
    mqtt: compact({ topics: boundedValues(l.mqttTopics), packets: boundedValues(l.mqttPackets) }),
    tls: compact({ ...tls, alpn: tls.alpn?.slice(0, maxAlpn) }),
    ssh: compact(ssh),
    operations: boundedValues(l.operations),
  });

type Handler<K extends ProtocolEvent['kind']> = (
  c: L7Collector,
  event: Extract<ProtocolEvent, { kind: K }>,
) => void;

const onHttpRequest: Handler<'http-request'> = ({ lists: l }, event) => {
  add(l, 'httpMethods', event.method);
  add(l, 'httpPaths', pathTemplate(event.path));
  const host = header(event.headers, 'host') ?? header(event.headers, ':authority');
  if (host !== undefined) add(l, 'httpHosts', host);
  const agent = header(event.headers, 'user-agent');
  if (agent !== undefined) add(l, 'httpUserAgents', agent);
};

const onClientHello: Handler<'tls-client-hello'> = ({ tls }, event) => {
  if (event.sni !== undefined) tls.sni = event.sni;
  tls.alpn = [...event.alpn];
  tls.version ??= event.version;
  tls.ja3 = event.ja3;
  tls.ja3Hash = event.ja3Hash;
};

const addAll = (lists: Lists, name: ListName, values: readonly string[]): void => {
  for (const value of values) add(lists, name, value);
};

const handlers: { [K in ProtocolEvent['kind']]: Handler<K> } = {
  'http-request': onHttpRequest,
  'http-response': ({ lists }, event) => add(lists, 'httpStatuses', statusClass(event.status)),
  'grpc-call': ({ lists }, event) => add(lists, 'grpcMethods', `${event.service}/${event.method}`),
  'tls-client-hello': onClientHello,
  'tls-server-hello': ({ tls }, event) => {
    tls.version = event.version;
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
  'redis-command': ({ lists }, event) => add(lists, 'redisCommands', event.command.toUpperCase()),
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
  operation: ({ lists }, event) => add(lists, 'operations', event.operation),
};

export const collectL7 = (collector: L7Collector, event: ProtocolEvent): void => {
  (handlers[event.kind] as Handler<ProtocolEvent['kind']> | undefined)?.(collector, event as never);
};
