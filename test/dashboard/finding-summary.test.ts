import { describe, expect, it } from 'vitest';
import type { FindingRecord } from '../../dashboard/src/api-types.ts';
import { findingSummary, threatParties } from '../../dashboard/src/finding-summary.ts';

const record = (finding: FindingRecord['finding']): FindingRecord => ({
  id: 'b#0',
  namespace: 'shop',
  kind: finding.type,
  at: '2026-11-28T04:00:00.000Z',
  finding,
});
const threat = {
  type: 'threat',
  threat: 'sql-injection',
  severity: 'high',
  evidence: "' OR '1'='1 in q",
  client: { ip: '10.0.0.1', port: 40000 },
  server: { ip: '10.0.0.2', port: 8080 },
};

describe('a finding on the dashboard', () => {
  it('names who attacked whom, and the client behind a proxy via the proxy', () => {
    expect(findingSummary(record(threat))).toBe(
      "sql-injection · high · 10.0.0.1:40000 → 10.0.0.2:8080 · ' OR '1'='1 in q",
    );
    const behind = { ...threat, origin: { ip: '203.0.113.9', port: 0 }, originBy: 'x-forwarded-for' };
    expect(threatParties(behind)).toBe('203.0.113.9 via 10.0.0.1:40000 → 10.0.0.2:8080');
    const v6 = { ...threat, origin: { ip: '2001:db8::7', port: 5100 } };
    expect(threatParties(v6)).toBe('[2001:db8::7]:5100 via 10.0.0.1:40000 → 10.0.0.2:8080');
  });

  it('leaves out endpoints it cannot read, and tells a violation as before', () => {
    expect(
      findingSummary(record({ type: 'threat', threat: 'syn-flood', severity: 'medium', evidence: 'x' })),
    ).toBe('syn-flood · medium · x');
    expect(
      findingSummary(
        record({ type: 'violation', group: 'shop/web', peer: '10.9.9.9:443', reason: 'no rule' }),
      ),
    ).toBe('shop/web ↔ 10.9.9.9:443 · no rule');
  });

  it("tells the clients a trusted proxy forwarded for on a violation's flow, as the proxy's word", () => {
    const violation = { type: 'violation', group: 'shop/web', peer: 'ingress/nginx', reason: 'path /admin' };
    const forwarded = { clients: [{ ip: '203.0.113.7', by: 'x-forwarded-for' }], otherRequests: 2 };
    expect(findingSummary(record({ ...violation, forwarded }))).toBe(
      'shop/web ↔ ingress/nginx · path /admin · forwarded for 203.0.113.7 (+2 requests for other clients)',
    );
  });
});
