/** Protocol mismatch: a flow whose bytes are not the protocol its learned rule or port says (SSH or random bytes on HTTP, non-DNS on DNS). */
import { z } from 'zod';
import type { ProtocolId } from '#core/protocol-id.ts';
import { readsFirst } from '../engine/event-read.ts';
import { type Expectation, expectationOf } from './expected-protocols.ts';
import { protocolEntry } from './policy-lists.ts';
import { detectorConfig, type FlowContext, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /** Pairs (expected → seen) that are legitimate upgrades, e.g. HTTP to HTTP/2 or gRPC, and TLS on an HTTP port. */
  compatible: z.record(protocolEntry, z.array(protocolEntry)).default({
    http: ['http2', 'grpc'],
    http2: ['http', 'grpc'],
    grpc: ['http2'],
    tls: ['http', 'http2', 'grpc'],
  }),
  /** Seen protocols accepted on any flow: a mesh (Istio, Linkerd) wraps every port in mutual TLS between pods. */
  anyPort: z.array(protocolEntry).default(['tls']),
  /** Without a learned rule, expect the protocol that declares the server port (`tcp/80` → HTTP, `udp/53` → DNS). */
  portHints: z.boolean().default(true),
  /**
   * Port hints only up to this port: IANA system ports are assigned to one protocol; above them (8000, 8080,
   * 2222, 7000) servers of every kind share the conventions (nDPI's ssh.pcap runs SSH on 8000).
   */
  maxHintPort: z.number().int().min(0).max(65_535).default(1023),
});
type Config = z.infer<typeof config>;

type State = { judged: boolean };

const fits = (expected: Expectation, seen: ProtocolId, c: Config): boolean =>
  c.anyPort.includes(seen) ||
  expected.protocols.some((p) => p === seen || (c.compatible[p] ?? []).includes(seen));

/** A port is only a hint, so a mismatch against it is less certain than one against a learned rule. */
const confidence = (expected: Expectation, seen: ProtocolId): number => {
  const unknown = seen === 'unknown';
  if (expected.source === 'rule') return unknown ? 0.7 : 0.95;
  return unknown ? 0.5 : 0.8;
};

const evidenceOf = (expected: Expectation, flow: FlowContext): string => {
  const what = flow.protocol === 'unknown' ? 'unidentified bytes' : flow.protocol;
  const why = expected.source === 'rule' ? '' : ' (port hint)';
  return `expected ${expected.protocols.join(' or ')} on ${flow.server.ip}:${flow.server.port}${why}, saw ${what}`;
};

/**
 * Unidentified bytes are a mismatch only when there were bytes (a refused or scanned port is just empty) and,
 * against a mere port hint, when TCP detection saw the flow's first bytes: a connection picked up mid-stream
 * (the tap started, or the flow idled out and resumed) is unidentifiable, not suspicious.
 */
const judgeable = (expected: Expectation, flow: FlowContext): boolean => {
  if (flow.bytes === undefined || flow.bytes.toServer + flow.bytes.toClient === 0) return false;
  return expected.source === 'rule' || flow.transport !== 'tcp' || flow.handshake !== false;
};

/** Any event of the flow: the first one decides. */
const judgedOn = [
  'http-request',
  'http-response',
  'grpc-call',
  'tls-client-hello',
  'tls-server-hello',
  'dns-message',
  'sql-query',
  'db-auth',
  'redis-command',
  'kafka-request',
  'mqtt',
  'ssh-banner',
  'operation',
] as const;

export const protocolMismatch: Threat<typeof config, State> = {
  id: 'protocol-mismatch',
  on: ['flow-end', ...judgedOn],
  // It judges a flow once, on its first event (or its end): the first 4 KiB of each direction are enough.
  reads: judgedOn.map((kind) => readsFirst(kind, 4096)),
  config,
  scope: 'flow',
  initialState: () => ({ judged: false }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (state.judged || flow === undefined || event.kind === 'packet') return noHits;
    const expected = expectationOf(flow, c.portHints && flow.server.port <= c.maxHintPort);
    if (expected === undefined) return noHits;
    const seen = flow.protocol;
    if (seen === 'unknown' && !judgeable(expected, flow)) return noHits;
    state.judged = true;
    if (fits(expected, seen, c)) return noHits;
    const hit = {
      threat: 'protocol-mismatch',
      severity: c.severity,
      confidence: confidence(expected, seen),
      evidence: evidenceOf(expected, flow),
      ts: event.ts,
    };
    return [hit];
  },
};
