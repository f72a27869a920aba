/**
 * The detectors that judge RADIUS, on packets read by the real parser and handed to the runner with every registered
 * detector and the shipped policy, as the tap does: db-auth-brute-force (Access-Requests answered by Access-Reject)
 * and radius-blast. The packets are FreeRADIUS 3.2.1's and radclient's (radius-messages.ts); each radclient run is its
 * own UDP flow, from a port of its own.
 */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { radius } from '#sidecar/protocols/radius.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import {
  bobReject,
  bobRequest,
  eapChallenge,
  eapIdentity,
  papAccept,
  papRequest,
} from '#test/fixtures/protocols/radius-messages.ts';
import { flow } from './threat-factories.ts';

type Exchange = readonly (readonly [Direction, Uint8Array])[];

const findings = (exchanges: readonly Exchange[], server = '10.0.0.9'): [string, string, string][] => {
  const runner = createThreatRunner();
  exchanges.forEach((datagrams, i) => {
    const nasFlow: ObservedFlow = flow({
      protocol: 'radius',
      transport: 'udp',
      key: `udp 10.0.0.5:${40000 + i} ${server}:1812`,
      client: { ip: '10.0.0.5', port: 40000 + i },
      server: { ip: server, port: 1812 },
    });
    const parser = radius.createParser();
    datagrams.forEach(([direction, bytes], n) => {
      for (const event of parser.parse(bytes, direction, 1_000 + i * 100 + n) as ProtocolEvent[])
        runner.onEvent(nasFlow, event);
    });
    runner.onFlowEnd(nasFlow);
  });
  return runner
    .drain(1_000_000)
    .filter((f): f is ThreatFinding => f.type === 'threat')
    .map((f) => [f.threat, f.severity, f.evidence]);
};

const refused: Exchange = [
  ['to-server', bobRequest],
  ['to-client', bobReject],
];

describe('threats on RADIUS', () => {
  it('reports ten refused logins as password guessing, and the exchanges without Message-Authenticator once', () => {
    expect(findings(Array.from({ length: 10 }, () => refused))).toEqual([
      ['radius-blast', 'high', expect.stringContaining('(PAP) with an Access-Reject')],
      ['db-auth-brute-force', 'high', '10 failed radius logins within 60000 ms for 1 user name(s)'],
    ]);
  });

  it('reports nothing past Blast-RADIUS for nine refused logins and a good one', () => {
    const good: Exchange = [
      ['to-server', papRequest],
      ['to-client', papAccept],
    ];
    expect(findings([...Array.from({ length: 9 }, () => refused), good]).map(([threat]) => threat)).toEqual([
      'radius-blast',
    ]);
  });

  it('reports nothing on an EAP exchange signed both ways', () => {
    const eap: Exchange = [
      ['to-server', eapIdentity],
      ['to-client', eapChallenge],
    ];
    expect(findings([eap, eap])).toEqual([]);
  });
});
