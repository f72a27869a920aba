import { describe, expect, it } from 'vitest';
import { pingOfDeath } from '#sidecar/threats/ping-of-death.ts';
import { packet, runThreat } from './threat-factories.ts';

const icmp = { transport: 'icmp' as const, tcpFlags: undefined };

describe('ping-of-death', () => {
  it('flags a fragment that ends past 65,535 bytes', () => {
    const hit = runThreat(pingOfDeath, [
      packet({
        ...icmp,
        ipLength: 1500,
        payloadLength: 1480,
        fragment: { offset: 65_000, more: false, overlap: false },
      }),
    ]);
    expect(hit[0]?.severity).toBe('high');
  });

  it('flags an oversized echo with medium severity', () => {
    const hit = runThreat(pingOfDeath, [
      packet({ ...icmp, icmpType: 8, payloadLength: 9_000, ipLength: 9_028 }),
    ]);
    expect(hit[0]?.severity).toBe('medium');
  });

  it('does not flag a normal ping or a legitimately reassembled large datagram', () => {
    expect(
      runThreat(pingOfDeath, [packet({ ...icmp, icmpType: 8, payloadLength: 56, ipLength: 84 })]),
    ).toEqual([]);
    const reassembled = packet({
      ...icmp,
      icmpType: 0,
      payloadLength: 1400,
      ipLength: 60_028,
      fragment: { offset: 59_200, more: false, overlap: false },
    });
    expect(runThreat(pingOfDeath, [reassembled])).toEqual([]);
  });

  it('does not count the reply to an oversized ping as a second attack', () => {
    expect(
      runThreat(pingOfDeath, [packet({ ...icmp, icmpType: 0, payloadLength: 9_000, ipLength: 9_028 })]),
    ).toEqual([]);
  });
});
