import { describe, expect, it } from 'vitest';
import { dnsTypeNull } from '#sidecar/threats/dns-type-null.ts';
import { dnsQuery, runThreat } from './threat-factories.ts';

describe('dns-type-null', () => {
  it('flags a NULL query (iodine)', () => {
    expect(runThreat(dnsTypeNull, [dnsQuery('vaaaakardli.t.example.com', 'NULL')])).toHaveLength(1);
  });

  it('ignores A, AAAA and TXT queries', () => {
    expect(
      runThreat(
        dnsTypeNull,
        ['A', 'AAAA', 'TXT'].map((t) => dnsQuery('example.com', t)),
      ),
    ).toEqual([]);
  });
});
