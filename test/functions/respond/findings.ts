/** Factories for response-path findings: a DNS tunnel threat from a Deployment's pod, a monitor-mode violation. */
import type { ThreatFinding, ViolationFinding } from '#core/finding.ts';
import type { ResponseFinding } from '#functions/respond/response-finding.ts';

export const minute = (m: number, s = 0): string => new Date(Date.UTC(2026, 10, 26, 12, m, s)).toISOString();

export const threat = (overrides: Partial<ThreatFinding> = {}): ThreatFinding => ({
  type: 'threat',
  threat: 'dns-tunnel',
  severity: 'high',
  confidence: 0.9,
  transport: 'udp',
  client: { ip: '10.0.0.7', port: 53124 },
  server: { ip: '10.96.0.10', port: 53 },
  protocol: 'dns',
  evidence: 'TXT queries for 4f2a9c1e7b.data.evil.example (48 unique labels/min, entropy 4.6)',
  firstSeen: minute(0),
  lastSeen: minute(0, 30),
  count: 48,
  ...overrides,
});

export const violation = (overrides: Partial<ViolationFinding> = {}): ViolationFinding => ({
  type: 'violation',
  transport: 'tcp',
  client: { ip: '10.0.0.7', port: 40000 },
  server: { ip: '10.0.3.4', port: 5432 },
  protocol: 'postgresql',
  group: 'shop/frontend',
  peer: 'shop/orders-db',
  mode: 'monitor',
  reason: 'no rule allows shop/frontend → shop/orders-db on 5432/tcp',
  firstSeen: minute(0),
  lastSeen: minute(0, 5),
  ...overrides,
});

export const responseFinding = (
  finding: ResponseFinding['finding'] = threat(),
  overrides: Partial<ResponseFinding> = {},
): ResponseFinding => ({
  id: 'batch-1#0',
  namespace: 'shop',
  group: 'shop/frontend',
  pod: { namespace: 'shop', name: 'frontend-7d9c5b6f4d-x2x4q', uid: 'uid-frontend-1' },
  finding,
  ...overrides,
});
