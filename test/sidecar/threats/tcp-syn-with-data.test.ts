import { describe, expect, it } from 'vitest';
import { tcpSynWithData } from '#sidecar/threats/tcp-syn-with-data.ts';
import { packet, runThreat } from './threat-factories.ts';

describe('tcp-syn-with-data', () => {
  it('flags a SYN carrying payload', () => {
    expect(runThreat(tcpSynWithData, [packet({ tcpFlags: 2, payloadLength: 40 })])[0]?.evidence).toMatch(
      /SYN carrying 40 payload bytes/,
    );
  });

  it('ignores an empty SYN and data on established packets', () => {
    expect(
      runThreat(tcpSynWithData, [
        packet({ tcpFlags: 2 }),
        packet({ tcpFlags: 24, payloadLength: 100 }),
        packet({ tcpFlags: 18, payloadLength: 0 }),
      ]),
    ).toEqual([]);
  });
});
