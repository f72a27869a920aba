import { describe, expect, it } from 'vitest';
import { dnsZoneTransfer } from '#sidecar/threats/dns-zone-transfer.ts';
import { dnsQuery, runThreat } from './threat-factories.ts';

describe('dns-zone-transfer', () => {
  it.each(['AXFR', 'IXFR'])('flags an %s request', (type) => {
    expect(
      runThreat(dnsZoneTransfer, [dnsQuery('example.com', type, { transport: 'tcp' })])[0]?.evidence,
    ).toBe(`${type} request for example.com`);
  });

  it('ignores ordinary queries and AXFR responses (the request is what is reported)', () => {
    expect(
      runThreat(dnsZoneTransfer, [
        dnsQuery('example.com', 'SOA'),
        dnsQuery('example.com', 'AXFR', { isResponse: true, direction: 'to-client' }),
      ]),
    ).toEqual([]);
  });
});
