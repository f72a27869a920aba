/**
 * turn-relay-abuse on the stun parser's peer steps: loopback, unspecified, metadata and link-local peers (high asked,
 * critical granted or relayed), internal ranges (medium, high), IPv4-mapped forms; legitimate relays to public peers,
 * allow-lists and a bad policy entry. Events from coturn's own bytes where it wrote them (stun-messages.ts).
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent, ProtocolEvent, TurnPeer } from '#sidecar/events.ts';
import { stun } from '#sidecar/protocols/stun.ts';
import { turnRelayAbuse } from '#sidecar/threats/turn-relay-abuse.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import * as coturn from '#test/fixtures/protocols/stun-messages.ts';
import { flow, runThreat } from './threat-factories.ts';

const turnFlow = flow({ protocol: 'stun', server: { ip: '10.0.0.9', port: 3478 } });

const parsed = (segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = stun.createParser();
  return segments.flatMap(([d, b], i) => parser.parse(b, d, i));
};

const step = (
  ip: string,
  s: TurnPeer['step'],
  method = 'CreatePermission',
  error?: string,
): OperationEvent => ({
  kind: 'operation',
  ts: 1,
  direction: s === 'asked' ? 'to-server' : 'to-client',
  protocol: 'stun',
  operation: `peer ${ip} ${method} ${s}`,
  turnPeer: { ip, port: 3480, method, step: s, ...(error === undefined ? {} : { error }) },
});

const run = (events: readonly ProtocolEvent[], config: Record<string, unknown> = {}) =>
  runThreat(turnRelayAbuse, events, { flow: turnFlow, config }).map((h) => [h.severity, h.evidence]);

describe('turn-relay-abuse', () => {
  it('reports coturn refusing a loopback ChannelBind high, naming the peer, method and answer', () => {
    const hits = run(
      parsed([
        ['to-server', coturn.loopbackChannelBind],
        ['to-client', coturn.loopbackRefused],
      ]),
    );
    expect(hits).toEqual([
      [
        'high',
        'a client asked the TURN server 10.0.0.9:3478 to relay to 127.0.0.1:3481, loopback, with ChannelBind: no answer seen yet',
      ],
      [
        'high',
        'a client asked the TURN server 10.0.0.9:3478 to relay to 127.0.0.1:3481, loopback, with ChannelBind: the server refused it (403 Forbidden IP)',
      ],
    ]);
  });

  it('leaves legitimate relays alone: coturn granting a public peer, data relayed both ways', () => {
    const events = parsed([
      ['to-server', coturn.channelBindRequest],
      ['to-client', coturn.channelBindSuccess],
      ['to-server', coturn.createPermissionRequest],
      ['to-client', coturn.createPermissionSuccess],
      ['to-server', coturn.sendIndication],
      ['to-client', coturn.dataIndication],
    ]);
    expect(events.filter((e) => e.kind === 'operation' && e.turnPeer !== undefined)).toHaveLength(7);
    expect(run(events)).toEqual([]);
    for (const ip of ['203.0.113.9', '2001:db8::7', '8.8.8.8', '::ffff:808:808'])
      expect(run([step(ip, 'asked'), step(ip, 'granted'), step(ip, 'relayed', 'Data')])).toEqual([]);
  });

  it('is critical when the server granted a loopback, unspecified or metadata peer, or relayed data with it', () => {
    for (const ip of ['127.0.0.1', '0.0.0.0', '::', '::ffff:7f00:1', '169.254.169.254']) {
      const hits = run([step(ip, 'asked', 'Connect'), step(ip, 'granted', 'Connect')]);
      expect(hits.map(([severity]) => severity)).toEqual(['high', 'critical']);
    }
    const [relayed] = run([step('169.254.169.254', 'relayed', 'ChannelData')]);
    expect(relayed).toEqual([
      'critical',
      'a client asked the TURN server 10.0.0.9:3478 to relay to 169.254.169.254:3480, cloud instance metadata (169.254.169.254), with ChannelData: data was relayed (ChannelData)',
    ]);
  });

  it('tells each kind and outcome once per flow: 50 asks for loopback ports are one hit', () => {
    const asks = Array.from({ length: 50 }, (_, i) => ({
      ...step('127.0.0.1', 'asked'),
      turnPeer: { ...step('127.0.0.1', 'asked').turnPeer, port: 1000 + i } as TurnPeer,
    }));
    expect(run(asks)).toHaveLength(1);
    expect(run([...asks, step('fe80::1', 'asked'), step('10.1.2.3', 'asked')]).map(([s]) => s)).toEqual([
      'high',
      'high',
      'medium',
    ]);
  });

  it('reports internal ranges medium asked and high granted; the ranges are the policy’s', () => {
    expect(run([step('10.96.0.10', 'asked'), step('10.96.0.10', 'granted')]).map(([s]) => s)).toEqual([
      'medium',
      'high',
    ]);
    expect(run([step('10.96.0.10', 'granted')], { internalRanges: [] })).toEqual([]);
    expect(
      run([step('203.0.113.9', 'granted')], { internalRanges: ['203.0.113.0/24'] }).map(([s]) => s),
    ).toEqual(['high']);
    expect(run([step('10.96.0.10', 'asked')], { internal: 'off' })).toEqual([]);
  });

  it('allows listed peers and clients: a media relay meant to reach them', () => {
    expect(run([step('10.20.0.5', 'granted')], { allowPeers: ['10.20.0.0/16'] })).toEqual([]);
    expect(run([step('127.0.0.1', 'granted')], { allowPeers: ['127.0.0.1:3480'] })).toEqual([]);
    expect(run([step('127.0.0.1', 'granted')], { allowClients: ['10.0.0.5'] })).toEqual([]);
    expect(run([step('127.0.0.1', 'granted')], { allowClients: ['10.0.0.6'] })).toHaveLength(1);
  });

  it('refuses a policy whose range is no CIDR, quoting it', () => {
    expect(() => turnRelayAbuse.config.parse({ internalRanges: ['10.0.0.0-10.255.255.255'] })).toThrow(
      /10\.0\.0\.0-10\.255\.255\.255\\?" is not a CIDR/,
    );
  });

  it('reads only operations that carry a peer', () => {
    expect(
      run([
        { kind: 'operation', ts: 1, direction: 'to-server', protocol: 'stun', operation: 'Allocate request' },
      ]),
    ).toEqual([]);
  });
});
