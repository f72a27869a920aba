import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { ike } from '#sidecar/protocols/ike.ts';
import { vpnTunnel } from '#sidecar/threats/vpn-tunnel.ts';
import { espPacket } from '#test/fixtures/protocols/ike-builder.ts';
import {
  aggressiveFinish,
  aggressiveRequest,
  aggressiveResponse,
  authRequest,
  authResponse,
  saInitRequest,
  saInitResponse,
} from '#test/fixtures/protocols/ike-messages.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from './threat-factories.ts';

const gateway = { ip: '203.0.113.7', port: 500 };
const natT = { ip: '203.0.113.7', port: 4500 };

/** The IKE parser's events for these datagrams, its end included. */
const ikeEvents = (segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = ike.createParser();
  const events = segments.flatMap(([d, b], i) => parser.parse(b, d, 1_000 + i));
  return [...events, ...(parser.end?.() ?? [])];
};

const story = (events: readonly ProtocolEvent[], server = gateway, config: Record<string, unknown> = {}) =>
  runThreat(vpnTunnel, events, { flow: flow({ protocol: 'ike', transport: 'udp', server }), config }).map(
    (h) => [h.evidence, h.confidence],
  );

const suite = 'ENCR_AES_CBC-256 PRF_HMAC_SHA2_256 AUTH_HMAC_SHA2_256_128 MODP_2048';

describe('vpn-tunnel on IPsec (IKE)', () => {
  it("tells strongSwan's IKE_SA_INIT: unanswered 0.6, answered 0.95 with its suite, the end 0.97", () => {
    expect(story(ikeEvents([['to-server', saInitRequest]]))).toEqual([
      ['IPsec (IKEv2) IKE_SA_INIT request to 203.0.113.7:500, not answered yet', 0.6],
      ['IPsec (IKEv2) requests to 203.0.113.7:500, never answered', 0.6],
    ]);
    expect(
      story(
        ikeEvents([
          ['to-server', saInitRequest],
          ['to-client', saInitResponse],
        ]),
      ),
    ).toEqual([
      ['IPsec (IKEv2) IKE_SA_INIT request to 203.0.113.7:500, not answered yet', 0.6],
      [`IPsec (IKEv2) IKE_SA_INIT with 203.0.113.7:500 answered (${suite})`, 0.95],
      ['IPsec (IKEv2) with 203.0.113.7:500 answered, ESP 0/0 packets each way, 932 octets in all', 0.97],
    ]);
  });

  it('at 4500: IKE_AUTH answered, then the end naming NAT traversal and ESP packets each way', () => {
    const events = ikeEvents([
      ['to-server', authRequest],
      ['to-client', authResponse],
      ...Array.from({ length: 3 }, (_, i): Segment => ['to-server', espPacket(0xc1c2c3c4, i + 1, 80)]),
      ...Array.from({ length: 2 }, (_, i): Segment => ['to-client', espPacket(0xd1d2d3d4, i + 1, 80)]),
    ]);
    expect(story(events, natT)).toEqual([
      ['IPsec (IKEv2) IKE SA with 203.0.113.7:4500 authenticated', 0.96],
      [
        'IPsec (IKEv2) with 203.0.113.7:4500 authenticated behind NAT traversal, ESP 3/2 packets each way, ' +
          '912 octets in all',
        0.97,
      ],
    ]);
  });

  it('tells IKEv1 aggressive mode with a pre-shared key: the identity in the clear, SHA-1 and MODP_1024', () => {
    const hits = story(
      ikeEvents([
        ['to-server', aggressiveRequest],
        ['to-client', aggressiveResponse],
        ['to-server', aggressiveFinish],
      ]),
    );
    const weak =
      '; weak HASH_SHA1, MODP_1024; IKEv1 aggressive mode with a pre-shared key, identity ' +
      'ID_FQDN:client.meshward.test sent in the clear (its hash can be cracked offline: psk-crack)';
    expect(hits).toEqual([
      ['IPsec (IKEv1) Aggressive Mode request to 203.0.113.7:500, not answered yet', 0.6],
      [
        `IPsec (IKEv1) Aggressive Mode with 203.0.113.7:500 answered (ENCR_AES_CBC-128 HASH_SHA1 AUTH_PSK MODP_1024)${weak}`,
        0.95,
      ],
      ['IPsec (IKEv1) IKE SA with 203.0.113.7:500 authenticated', 0.96],
      [
        `IPsec (IKEv1) with 203.0.113.7:500 authenticated, ESP 0/0 packets each way, 912 octets in all${weak}`,
        0.97,
      ],
    ]);
  });

  it('leaves the company gateway alone, and IKE out when the policy lists only the others', () => {
    const events = ikeEvents([
      ['to-server', saInitRequest],
      ['to-client', saInitResponse],
    ]);
    expect(story(events, gateway, { allowServers: ['203.0.113.0/24'] })).toEqual([]);
    expect(story(events, gateway, { protocols: ['wireguard', 'openvpn'] })).toEqual([]);
  });
});
