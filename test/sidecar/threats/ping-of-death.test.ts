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

  it('sizes an IPv6 fragment past its 40-byte header and fragment header', () => {
    const v6 = { transport: 'icmpv6' as const, tcpFlags: undefined, src: { ip: 'fd00::2', port: 0 } };
    const at = (offset: number, ipLength: number) =>
      packet({ ...v6, ipLength, payloadLength: 0, fragment: { offset, more: false, overlap: false } });
    // 65,000 + (600 - 48) = 65,552 bytes: past the limit. 65,000 + (560 - 48) = 65,512: within it.
    expect(runThreat(pingOfDeath, [at(65_000, 600)])).toHaveLength(1);
    expect(runThreat(pingOfDeath, [at(65_000, 560)])).toEqual([]);
  });

  it('does not count the reply to an oversized ping as a second attack', () => {
    expect(
      runThreat(pingOfDeath, [packet({ ...icmp, icmpType: 0, payloadLength: 9_000, ipLength: 9_028 })]),
    ).toEqual([]);
  });
});
