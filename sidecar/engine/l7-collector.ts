/** Builds a flow's bounded layer-7 summary (core l7SummarySchema) from the protocol events its parser emits. */
import type { L7Summary } from '#core/finding.ts';
import type { ProtocolEvent } from '../events.ts';
import { type BoundedSet, createBoundedSet } from './bounded-set.ts';
import { pathTemplate } from './path-template.ts';
import { sqlVerb } from './sql-verb.ts';

const lists = {
  httpMethods: 64,
  httpPaths: 64,
  httpStatuses: 64,
  httpHosts: 64,
  httpUserAgents: 16,
  grpcMethods: 64,
  dnsQueries: 64,
  dnsRcodes: 64,
  sqlVerbs: 64,
  redisCommands: 64,
  kafkaTopics: 64,
  kafkaApis: 64,
  mqttTopics: 64,
  mqttPackets: 64,
  tlsAlpn: 16,
  operations: 64,
} as const;

type Lists = Record<keyof typeof lists, BoundedSet>;
type Tls = { sni?: string; alpn?: string[]; version?: string; ja3?: string; ja3Hash?: string };

export type L7Collector = {
  add(event: ProtocolEvent): void;
  summary(): L7Summary | undefined;
  /** TLS facts seen so far (for the finding's `tls` and mesh recognition). */
  readonly tls: Tls;
};

const statusClass = (status: number): string =>
  status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';

const header = (headers: readonly (readonly [string, string])[], name: string): string | undefined =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1];

const some = (set: BoundedSet): string[] | undefined => (set.size > 0 ? set.values() : undefined);

/** Drops the keys whose value is undefined, so the summary has only what was seen. */
const compact = <T extends object>(value: T): T | undefined => {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
};

const build = (l: Lists, tls: Tls, ssh: { client?: string; server?: string }): L7Summary | undefined =>
  compact<L7Summary>({
    http: compact({
      methods: some(l.httpMethods),
      paths: some(l.httpPaths),
      statuses: some(l.httpStatuses),
      hosts: some(l.httpHosts),
      userAgents: some(l.httpUserAgents),
    }),
    grpc: l.grpcMethods.size > 0 ? { methods: l.grpcMethods.values() } : undefined,
    dns: compact({ queries: some(l.dnsQueries)?.map(splitQuery), rcodes: some(l.dnsRcodes) }),
    sql: l.sqlVerbs.size > 0 ? { verbs: l.sqlVerbs.values() } : undefined,
    redis: l.redisCommands.size > 0 ? { commands: l.redisCommands.values() } : undefined,
    kafka: compact({ topics: some(l.kafkaTopics), apis: some(l.kafkaApis) }),
    mqtt: compact({ topics: some(l.mqttTopics), packets: some(l.mqttPackets) }),
    tls: compact({ ...tls, alpn: tls.alpn?.slice(0, lists.tlsAlpn) }),
    ssh: compact(ssh),
    operations: some(l.operations),
  });

const splitQuery = (key: string): { name: string; type: string } => {
  const at = key.lastIndexOf(' ');
  return { name: key.slice(0, at), type: key.slice(at + 1) };
};

const onHttp = (
  l: Lists,
  event: Extract<ProtocolEvent, { kind: 'http-request' | 'http-response' }>,
): void => {
  if (event.kind === 'http-response') {
    l.httpStatuses.add(statusClass(event.status));
    return;
  }
  l.httpMethods.add(event.method);
  l.httpPaths.add(pathTemplate(event.path));
  const host = header(event.headers, 'host') ?? header(event.headers, ':authority');
  if (host !== undefined) l.httpHosts.add(host);
  const agent = header(event.headers, 'user-agent');
  if (agent !== undefined) l.httpUserAgents.add(agent);
};

const onTls = (
  tls: Tls,
  event: Extract<ProtocolEvent, { kind: 'tls-client-hello' | 'tls-server-hello' }>,
): void => {
  if (event.kind === 'tls-server-hello') {
    tls.version = event.version;
    return;
  }
  if (event.sni !== undefined) tls.sni = event.sni;
  tls.alpn = [...event.alpn];
  tls.version ??= event.version;
  tls.ja3 = event.ja3;
  tls.ja3Hash = event.ja3Hash;
};

export const createL7Collector = (): L7Collector => {
  const l = Object.fromEntries(
    Object.entries(lists).map(([name, max]) => [name, createBoundedSet(max)]),
  ) as Lists;
  const tls: Tls = {};
  const ssh: { client?: string; server?: string } = {};
  const addAll = (set: BoundedSet, values: readonly string[]) => {
    for (const value of values) set.add(value);
  };
  const handlers: { [K in ProtocolEvent['kind']]?: (event: Extract<ProtocolEvent, { kind: K }>) => void } = {
    'http-request': (event) => onHttp(l, event),
    'http-response': (event) => onHttp(l, event),
    'grpc-call': (event) => l.grpcMethods.add(`${event.service}/${event.method}`),
    'tls-client-hello': (event) => onTls(tls, event),
    'tls-server-hello': (event) => onTls(tls, event),
    'dns-message': (event) => {
      for (const question of event.questions) l.dnsQueries.add(`${question.name} ${question.type}`);
      if (event.isResponse) l.dnsRcodes.add(event.rcode);
    },
    'sql-query': (event) => {
      const verb = sqlVerb(event.text);
      if (verb !== undefined) l.sqlVerbs.add(verb);
    },
    'redis-command': (event) => l.redisCommands.add(event.command.toUpperCase()),
    'kafka-request': (event) => {
      l.kafkaApis.add(event.api);
      addAll(l.kafkaTopics, event.topics);
    },
    mqtt: (event) => {
      l.mqttPackets.add(event.packet);
      addAll(l.mqttTopics, event.topics);
    },
    'ssh-banner': (event) => {
      ssh[event.direction === 'to-server' ? 'client' : 'server'] = event.software;
    },
    operation: (event) => l.operations.add(event.operation),
  };
  return {
    add(event) {
      (handlers[event.kind] as ((event: ProtocolEvent) => void) | undefined)?.(event);
    },
    summary: () => build(l, tls, ssh),
    tls,
  };
};
