import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { openvpn } from '#sidecar/protocols/openvpn.ts';
import { wireguard } from '#sidecar/protocols/wireguard.ts';
import { octetsText } from '#sidecar/threats/vpn-stories.ts';
import { vpnTunnel } from '#sidecar/threats/vpn-tunnel.ts';
import { clientReset, control, serverReset, sessionA } from '#test/fixtures/protocols/openvpn-packets.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  wgCookieReply,
  wgInitiation,
  wgResponse,
  wgTransport,
} from '#test/fixtures/protocols/wireguard-messages.ts';
import { flow, runThreat } from './threat-factories.ts';

const gateway = { ip: '203.0.113.5', port: 51820 };
const wgFlow = flow({
  protocol: 'wireguard',
  transport: 'udp',
  server: gateway,
  bytes: { toServer: 9_000_000, toClient: 3_000_000 },
});

/** A parser's events for these datagrams, its end included, with increasing times. */
const wgEvents = (segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = wireguard.createParser();
  const events = segments.flatMap(([d, b], i) => parser.parse(b, d, 1_000 + i));
  return [...events, ...(parser.end?.() ?? [])];
};

const story = (events: readonly ProtocolEvent[], config: Record<string, unknown> = {}) =>
  runThreat(vpnTunnel, events, { flow: wgFlow, config }).map((h) => [h.evidence, h.confidence]);

const handshake: Segment[] = [
  ['to-server', wgInitiation(0x1234)],
  ['to-client', wgResponse(0x5678, 0x1234)],
  ['to-server', wgTransport(0x5678, 0, 64)],
  ['to-client', wgTransport(0x1234, 0, 64)],
];

describe('vpn-tunnel on WireGuard', () => {
  it('tells an answered handshake surer than the initiation, and the end with what went through', () => {
    expect(story(wgEvents(handshake))).toEqual([
      ['WireGuard handshake initiation to 203.0.113.5:51820, not answered yet', 0.6],
      ['WireGuard handshake completed with 203.0.113.5:51820', 0.95],
      ['WireGuard handshake completed with 203.0.113.5:51820, 12.0 MB through the tunnel', 0.97],
    ]);
  });

  it('names rekeys at the end, and tells a rekey hours in as nothing new', () => {
    const rekeyed = wgEvents([
      ...handshake,
      ['to-server', wgInitiation(0x1235)],
      ['to-client', wgResponse(0x5679, 0x1235)],
      ['to-server', wgInitiation(0x1236)],
      ['to-client', wgResponse(0x567a, 0x1236)],
    ]);
    const hits = story(rekeyed);
    expect(hits).toHaveLength(3);
    expect(hits[2]).toEqual([
      'WireGuard handshake completed with 203.0.113.5:51820, 12.0 MB through the tunnel, 2 rekeys',
      0.97,
    ]);
  });

  it('tells an initiation never answered, and a cookie reply, as less sure', () => {
    expect(
      story(
        wgEvents([
          ['to-server', wgInitiation(1)],
          ['to-server', wgInitiation(2)],
        ]),
      ).at(-1),
    ).toEqual(['WireGuard handshake initiations to 203.0.113.5:51820, never answered', 0.6]);
    expect(
      story(
        wgEvents([
          ['to-server', wgInitiation(1)],
          ['to-client', wgCookieReply(1)],
        ]),
      )[1],
    ).toEqual(['WireGuard server 203.0.113.5:51820 answered with a cookie reply (under load)', 0.7]);
  });

  it('tells a tunnel picked up after its handshake from data both ways, and not from data one way', () => {
    const both = wgEvents([
      ['to-server', wgTransport(7, 900, 16)],
      ['to-client', wgTransport(8, 800, 16)],
    ]);
    expect(story(both).map(([, confidence]) => confidence)).toEqual([0.7, 0.7, 0.8]);
    expect(story(both).at(-1)?.[0]).toBe(
      'WireGuard data both ways with 203.0.113.5:51820 (its handshake before the capture), 12.0 MB through the tunnel',
    );
    expect(story(wgEvents([['to-server', wgTransport(7, 900, 16)]]))).toHaveLength(1);
  });

  it("leaves the company's gateways, protocols not listed and other protocols' operations alone", () => {
    const events = wgEvents(handshake);
    expect(story(events, { allowServers: ['203.0.113.5'] })).toEqual([]);
    expect(story(events, { allowServers: ['203.0.113.5:51820'] })).toEqual([]);
    expect(story(events, { protocols: ['openvpn'] })).toEqual([]);
    const smtp: ProtocolEvent = {
      kind: 'operation',
      ts: 1,
      direction: 'to-server',
      protocol: 'smtp',
      operation: 'tunnel',
    };
    expect(runThreat(vpnTunnel, [smtp], { flow: wgFlow })).toEqual([]);
    expect(() => vpnTunnel.config.parse({ protocols: ['ssh'] })).toThrow();
  });

  it('writes octets as a person reads them', () => {
    expect([octetsText(512), octetsText(335_400), octetsText(12_000_000), octetsText(3.2e9)]).toEqual([
      '512 octets',
      '335.4 kB',
      '12.0 MB',
      '3.2 GB',
    ]);
  });
});

describe('vpn-tunnel on OpenVPN', () => {
  const ovpnFlow = flow({
    protocol: 'openvpn',
    server: { ip: '198.51.100.7', port: 443 },
    bytes: { toServer: 800, toClient: 400 },
  });
  const ovpnEvents = (segments: readonly Segment[]): ProtocolEvent[] => {
    const parser = openvpn.createParser();
    return [...segments.flatMap(([d, b], i) => parser.parse(b, d, 1_000 + i)), ...(parser.end?.() ?? [])];
  };
  const tell = (events: readonly ProtocolEvent[]) =>
    runThreat(vpnTunnel, events, { flow: ovpnFlow }).map((h) => [h.evidence, h.confidence]);

  it('tells the mode, the echo of the session id as surer than the client reset, and the end', () => {
    expect(
      tell(
        ovpnEvents([
          ['to-server', clientReset({ mode: 'tls-auth', hmac: 20 })],
          ['to-client', serverReset({ mode: 'tls-auth', hmac: 20 })],
        ]),
      ),
    ).toEqual([
      ['OpenVPN (tls-auth) client reset to 198.51.100.7:443, not answered yet', 0.6],
      ["OpenVPN (tls-auth) session with 198.51.100.7:443: its reset echoes the client's session id", 0.95],
      ['OpenVPN (tls-auth) session with 198.51.100.7:443 answered, 1.2 kB through the tunnel', 0.97],
    ]);
  });

  it('under tls-crypt, whose echo is encrypted, says a server reset answered: not that it echoes the session id', () => {
    const hits = tell(
      ovpnEvents([
        ['to-server', clientReset({ mode: 'tls-crypt' })],
        ['to-client', serverReset({ mode: 'tls-crypt' })],
      ]),
    );
    expect(hits[1]).toEqual([
      "OpenVPN (tls-crypt) session with 198.51.100.7:443: a server reset answered the client's",
      0.95,
    ]);
  });

  it('tells a client never answered as less sure, and names renegotiations', () => {
    expect(tell(ovpnEvents([['to-server', clientReset({ mode: 'tls-crypt' })]])).at(-1)).toEqual([
      'OpenVPN (tls-crypt) client resets to 198.51.100.7:443, never answered',
      0.6,
    ]);
    const renegotiated = ovpnEvents([
      ['to-server', clientReset({ mode: 'plain' })],
      ['to-client', serverReset({ mode: 'plain' })],
      [
        'to-server',
        control({ opcode: 3, key: 1, session: sessionA, layout: { mode: 'plain' }, messageId: 0 }),
      ],
    ]);
    expect(tell(renegotiated).at(-1)?.[0]).toBe(
      'OpenVPN (plain) session with 198.51.100.7:443 answered, 1.2 kB through the tunnel, 1 key renegotiation',
    );
    expect(
      runThreat(vpnTunnel, renegotiated, { flow: ovpnFlow, config: { protocols: ['wireguard'] } }),
    ).toEqual([]);
  });
});
