/** Factories for threat tests: typed events, flows and packets with safe defaults, and a helper that runs a detector. */
import type { Endpoint } from '#core/finding.ts';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import type { DnsMessageEvent, Header, HttpRequestEvent, ProtocolEvent } from '#sidecar/events.ts';
import type { TrustedProxies } from '#sidecar/protocols/trusted-proxies.ts';
import type { FlowEndEvent, PacketEvent, Threat, ThreatHit } from '#sidecar/threats/threat.ts';

export const client: Endpoint = { ip: '10.0.0.5', port: 40000 };
export const server: Endpoint = { ip: '10.0.0.9', port: 8080 };

export const flow = (overrides: Partial<ObservedFlow> = {}): ObservedFlow => ({
  key: 'tcp 10.0.0.5:40000 10.0.0.9:8080',
  transport: 'tcp',
  client,
  server,
  protocol: 'http',
  ...overrides,
});

/** A GET (or a request with a body) with the given target and headers. */
export const httpRequest = (
  target: string,
  options: { method?: string; headers?: Header[]; body?: string; version?: string; ts?: number } = {},
): HttpRequestEvent => {
  const q = target.indexOf('?');
  return {
    kind: 'http-request',
    ts: options.ts ?? 1_000,
    direction: 'to-server',
    version: options.version ?? '1.1',
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    target,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: [['Host', 'shop.example'], ...(options.headers ?? [])],
    body: new TextEncoder().encode(options.body ?? ''),
    bodyTruncated: false,
  };
};

export const dnsQuery = (
  name: string,
  type = 'A',
  overrides: Partial<DnsMessageEvent> = {},
): DnsMessageEvent => ({
  kind: 'dns-message',
  ts: 1_000,
  direction: 'to-server',
  id: 1,
  isResponse: false,
  opcode: 0,
  rcode: 'NOERROR',
  questions: [{ name, type }],
  answers: [],
  size: 40 + name.length,
  transport: 'udp',
  ...overrides,
});

/** A TCP SYN from client to server unless overridden; an override of `undefined` removes the field (e.g. tcpFlags for ICMP). */
export const packet = (
  overrides: { [K in keyof PacketEvent]?: PacketEvent[K] | undefined } = {},
): PacketEvent => {
  const merged: Record<string, unknown> = {
    kind: 'packet',
    ts: 1_000,
    transport: 'tcp',
    src: client,
    dst: server,
    tcpFlags: 2,
    payloadLength: 0,
    ipLength: 60,
    ...overrides,
  };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged as PacketEvent;
};

/** Runs one detector over events with its default config and one state, as the runner would; returns all hits. */
export const runThreat = (
  threat: Threat<any, any>,
  events: readonly (ProtocolEvent | PacketEvent | FlowEndEvent)[],
  options: { flow?: ObservedFlow; config?: Record<string, unknown>; proxies?: TrustedProxies } = {},
): ThreatHit[] => {
  const config = threat.config.parse(options.config ?? {});
  const state = threat.initialState();
  const context = {
    flow: options.flow ?? flow(),
    config,
    ...(options.proxies === undefined ? {} : { proxies: options.proxies }),
  };
  return events.flatMap((event) => threat.inspect(event, state, context));
};

/** Hits of one episode: few reports (never one per packet), one pair of endpoints, counts adding up to what happened. */
export const episodeSummary = (hits: readonly ThreatHit[]) => ({
  reports: hits.length,
  pairs: new Set(hits.map((h) => `${h.client?.ip}>${h.server?.ip}`)).size,
  total: hits.reduce((sum, h) => sum + (h.count ?? 1), 0),
});
