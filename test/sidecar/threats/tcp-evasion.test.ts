import { describe, expect, it } from 'vitest';
import { tcpEvasion } from '#sidecar/threats/tcp-evasion.ts';
import { noTcpAnomalies, type TcpAnomalies } from '#sidecar/threats/threat.ts';
import { flow } from './threat-factories.ts';

const config = tcpEvasion.config.parse({});
const none: TcpAnomalies = noTcpAnomalies();
const atEnd = (anomalies?: TcpAnomalies) =>
  tcpEvasion.inspect({ kind: 'flow-end', ts: 5 }, undefined, {
    flow: anomalies === undefined ? flow() : { ...flow(), anomalies },
    config,
  });

describe('tcp-evasion', () => {
  it('says nothing of a flow without anomalies', () => {
    expect(atEnd()).toEqual([]);
    expect(atEnd(none)).toEqual([]);
  });

  it('reports each trick with its count, once at the flow end', () => {
    const [hit] = atEnd({ ...none, conflicts: 2, ignoredResets: 1 });
    expect(hit).toMatchObject({
      threat: 'tcp-evasion',
      severity: 'medium',
      confidence: 0.8,
      count: 3,
      ts: 5,
    });
    expect(hit?.evidence).toContain('2 overlapping segments with different bytes');
    expect(hit?.evidence).toContain('1 resets without the next sequence number');
  });

  it('reports segments the receiver drops for a bad checksum or their flags', () => {
    const [hit] = atEnd({ ...none, badChecksums: 1, badFlags: 2 });
    expect(hit?.count).toBe(3);
    expect(hit?.evidence).toContain('1 segments with a bad checksum');
    expect(hit?.evidence).toContain('2 segments the receiver discards for their flags');
  });

  it('is less sure of urgent data alone (telnet still uses it)', () => {
    expect(atEnd({ ...none, urgentOctets: 1 })[0]?.confidence).toBe(0.5);
    expect(atEnd({ ...none, staleFins: 1 })[0]?.confidence).toBe(0.8);
  });
});
