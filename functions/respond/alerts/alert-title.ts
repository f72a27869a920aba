/** The one-line title and the facts of an alert, from its finding. */
import type { Endpoint, Finding, ForwardedClients, OriginBy } from '#core/finding.ts';
import type { ResponseFinding } from '../response-finding.ts';

const where = (record: ResponseFinding): string => record.group ?? record.pod?.name ?? record.namespace;

const titles: { [K in Finding['type']]: (finding: Extract<Finding, { type: K }>, at: string) => string } = {
  threat: (f, at) => `Threat: ${f.threat} (${f.severity}) in ${at}`,
  violation: (f, at) => `Violation: ${at} → ${f.peer} (${f.mode})`,
  admission: (f) => `Policy ${f.action}: ${f.policy}/${f.check} on ${f.resource.kind} ${f.resource.name}`,
  flow: (f, at) => `Flow: ${at} → ${f.server.ip}:${f.server.port} ${f.protocol}`,
  heartbeat: (_f, at) => `Heartbeat from ${at}`,
  capture: (f, at) => `Capture ${f.commandId} from ${at}`,
};

export const alertTitle = (record: ResponseFinding): string =>
  (titles[record.finding.type] as (finding: Finding, at: string) => string)(record.finding, where(record));

const originSays: Record<OriginBy, string> = {
  'proxy-header': "as the load balancer's PROXY header says",
  'x-forwarded-for': 'as the request’s X-Forwarded-For says',
  forwarded: 'as the request’s Forwarded header says',
  'x-real-ip': 'as the request’s X-Real-IP says',
  'ajp-remote-addr': 'as the AJP proxy’s remote_addr says',
};

const originText = (origin: Endpoint): string =>
  origin.port === 0 ? origin.ip : `${origin.ip}:${origin.port}`;

/**
 * Behind a trusted proxy, the clients its requests named (ADR 31): the proxies' word, as the dashboard says it. The
 * rule a person may allow still names the proxy, the connection's peer.
 */
const forwardedFact = (forwarded: ForwardedClients | undefined): [string, string][] => {
  if (forwarded === undefined) return [];
  const ips = forwarded.clients.map((client) => client.ip);
  const other = forwarded.otherRequests ?? 0;
  const more = other === 0 ? '' : ` (+${other} ${other === 1 ? 'request' : 'requests'} for other clients)`;
  return [['Forwarded for', `${ips.length > 0 ? ips.join(', ') : 'clients not listed'}${more}`]];
};

const flowFacts = (finding: Finding): [string, string][] => {
  if (finding.type === 'threat') {
    // Behind a proxy the peer is the proxy; its PROXY header or the request's forwarding header names the client
    // (ADR 25, 28). That is the proxy's word, so the alert says whose.
    const origin: [string, string][] =
      finding.origin === undefined
        ? []
        : [['Origin', `${originText(finding.origin)} (${originSays[finding.originBy ?? 'proxy-header']})`]];
    return [
      ['Peer', `${finding.client.ip} → ${finding.server.ip}:${finding.server.port}`],
      ...origin,
      ['Protocol', finding.protocol],
      ['Threat', finding.threat],
      ['Severity', finding.severity],
    ];
  }
  if (finding.type === 'violation') {
    return [
      ['Peer', finding.peer],
      ...forwardedFact(finding.forwarded),
      ['Protocol', `${finding.protocol} ${finding.server.port}/${finding.transport}`],
      ['Rule', finding.nearestRule ?? 'none near'],
      ['Mode', finding.mode],
    ];
  }
  return [];
};

/** Namespace, workload, pod, peer, protocol, threat or rule, severity, mode: those that apply. */
export const alertFacts = (record: ResponseFinding): [string, string][] => [
  ['Namespace', record.namespace],
  ['Workload', record.group ?? 'unknown'],
  ['Pod', record.pod?.name ?? 'unknown'],
  ...flowFacts(record.finding),
];

/** The evidence or the reason, as a person should read it. */
export const alertDetail = (finding: Finding): string | undefined => {
  if (finding.type === 'threat') return finding.evidence;
  if (finding.type === 'violation') return finding.reason;
  if (finding.type === 'admission') return finding.message;
  return undefined;
};
