/** Protocol mismatch: a flow whose bytes are not the protocol its learned rule or port says (SSH or random bytes on HTTP, non-DNS on DNS). */
import { z } from 'zod';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /** Pairs (expected → seen) that are legitimate upgrades, e.g. HTTP to HTTP/2 or gRPC, and TLS on an HTTP port. */
  compatible: z.record(z.string(), z.array(z.string())).default({
    http: ['http2', 'grpc'],
    http2: ['http', 'grpc'],
    grpc: ['http2'],
    tls: ['http', 'http2', 'grpc'],
  }),
});

type State = { judged: boolean };

export const protocolMismatch: Threat<typeof config, State> = {
  id: 'protocol-mismatch',
  on: [
    'flow-end',
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
  ],
  config,
  scope: 'flow',
  initialState: () => ({ judged: false }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (state.judged || flow?.expectedProtocol === undefined || event.kind === 'packet') return noHits;
    const { expectedProtocol: expected, protocol: seen } = flow;
    // A flow that never carried payload (a refused or scanned port) is not a mismatch, just empty.
    if (seen === 'unknown' && (flow.bytes === undefined || flow.bytes.toServer + flow.bytes.toClient === 0))
      return noHits;
    state.judged = true;
    if (seen === expected || (c.compatible[expected] ?? []).includes(seen)) return noHits;
    const what = seen === 'unknown' ? 'unidentified bytes' : seen;
    const evidence = `expected ${expected} on ${flow.server.ip}:${flow.server.port}, saw ${what}`;
    return [
      {
        threat: 'protocol-mismatch',
        severity: c.severity,
        confidence: seen === 'unknown' ? 0.7 : 0.95,
        evidence,
        ts: event.ts,
      },
    ];
  },
};
