import { describe, expect, it } from 'vitest';
import { icmpTunnel } from '#sidecar/threats/icmp-tunnel.ts';
import { packet, runThreat } from './threat-factories.ts';

const echo = (ts: number, payloadLength: number, icmpType = 8) =>
  packet({ ts, transport: 'icmp', tcpFlags: undefined, icmpType, payloadLength });

describe('icmp-tunnel', () => {
  it('flags a stream of large echoes of varying size', () => {
    const tunnel = Array.from({ length: 40 }, (_, i) =>
      echo(1_000 + i * 100, 200 + ((i * 37) % 900), i % 2 === 0 ? 8 : 0),
    );
    expect(runThreat(icmpTunnel, tunnel)[0]?.threat).toBe('icmp-tunnel');
  });

  it('ignores ping, and ping -s with one fixed large size', () => {
    expect(
      runThreat(
        icmpTunnel,
        Array.from({ length: 40 }, (_, i) => echo(1_000 + i * 100, 56)),
      ),
    ).toEqual([]);
    expect(
      runThreat(
        icmpTunnel,
        Array.from({ length: 40 }, (_, i) => echo(1_000 + i * 100, 1_400)),
      ),
    ).toEqual([]);
  });
});
