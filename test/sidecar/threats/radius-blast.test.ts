/** radius-blast on what the RADIUS parser tells from FreeRADIUS 3.2.1's and radclient's bytes (radius-messages.ts). */
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '#core/finding.ts';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { createRadiusParser } from '#sidecar/protocols/radius-parser.ts';
import { radiusBlast } from '#sidecar/threats/radius-blast.ts';
import type { ThreatHit } from '#sidecar/threats/threat.ts';
import {
  accountingResponse,
  accountingStart,
  bobReject,
  bobRequest,
  chapAccept,
  chapRequest,
  eapChallenge,
  eapIdentity,
  mschapReject,
  mschapRequest,
  papAccept,
  papRequest,
  papWithAuthenticator,
  papWithAuthenticatorReject,
} from '#test/fixtures/protocols/radius-messages.ts';
import { flow } from './threat-factories.ts';

const nas: Endpoint = { ip: '10.0.0.5', port: 40000 };
const aaa: Endpoint = { ip: '10.0.0.9', port: 1812 };

const eventsOf = (...datagrams: [Direction, Uint8Array][]): ProtocolEvent[] => {
  const parser = createRadiusParser();
  return datagrams.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, 1_000 + i));
};

const exchange = (request: Uint8Array, response: Uint8Array): ProtocolEvent[] =>
  eventsOf(['to-server', request], ['to-client', response]);

/** One detector state across flows, as the runner keeps a global detector's. */
const judge = (
  runs: readonly { client?: Endpoint; server?: Endpoint; events: readonly ProtocolEvent[] }[],
  config: Record<string, unknown> = {},
): ThreatHit[] => {
  const parsed = radiusBlast.config.parse(config);
  const state = radiusBlast.initialState();
  return runs.flatMap((run) => {
    const f: ObservedFlow = flow({
      protocol: 'radius',
      transport: 'udp',
      client: run.client ?? nas,
      server: run.server ?? aaa,
    });
    return run.events.flatMap((event) => radiusBlast.inspect(event, state, { flow: f, config: parsed }));
  });
};

describe('radius-blast', () => {
  it('tells a PAP login answered without Message-Authenticator on either side, high, naming both ends', () => {
    expect(judge([{ events: exchange(papRequest, papAccept) }])).toEqual([
      {
        threat: 'radius-blast',
        severity: 'high',
        confidence: 0.9,
        evidence:
          'the RADIUS server 10.0.0.9:1812 answered an Access-Request from 10.0.0.5 (PAP) with an Access-Accept, ' +
          'neither carrying a Message-Authenticator: it does not require one, so a man in the middle can forge its ' +
          'answers with an MD5 chosen-prefix collision (Blast-RADIUS, CVE-2024-3596); require it (FreeRADIUS 3.2.5, ' +
          '3.0.27: require_message_authenticator, limit_proxy_state)',
        ts: 1_001,
        client: nas,
        server: aaa,
        origin: null,
      },
    ]);
  });

  it('tells CHAP, MS-CHAP and a refused user too, by the answer they got', () => {
    const one = (request: Uint8Array, response: Uint8Array) =>
      judge([{ events: exchange(request, response) }]);
    expect(one(chapRequest, chapAccept).map((h) => h.evidence)).toEqual([
      expect.stringContaining('(CHAP) with an Access-Accept'),
    ]);
    expect(one(mschapRequest, mschapReject).map((h) => h.evidence)).toEqual([
      expect.stringContaining('(MS-CHAP) with an Access-Reject'),
    ]);
    expect(one(bobRequest, bobReject)).toHaveLength(1);
  });

  it('leaves alone a request that carried a Message-Authenticator, an answer that did, and accounting', () => {
    // FreeRADIUS 3.2.1 answered radclient's signed PAP request without one: the request's own protects it.
    expect(judge([{ events: exchange(papWithAuthenticator, papWithAuthenticatorReject) }])).toEqual([]);
    expect(judge([{ events: exchange(eapIdentity, eapChallenge) }])).toEqual([]);
    expect(judge([{ events: exchange(accountingStart, accountingResponse) }])).toEqual([]);
    // An answer with no request seen says nothing of what the request had.
    expect(judge([{ events: eventsOf(['to-client', papAccept]) }])).toEqual([]);
  });

  it('tells an EAP exchange with no Message-Authenticator on either side (RFC 3579 requires one)', () => {
    const [event] = exchange(eapIdentity, eapChallenge).filter(
      (e) => e.kind === 'operation' && e.radiusAnswer,
    );
    if (event?.kind !== 'operation' || event.radiusAnswer === undefined) throw new Error('no answer');
    const bare = {
      ...event,
      radiusAnswer: { ...event.radiusAnswer, requestAuthenticator: false, responseAuthenticator: false },
    };
    expect(judge([{ events: [bare] }]).map((h) => h.evidence)).toEqual([
      expect.stringContaining('(EAP, identity) with an Access-Challenge'),
    ]);
  });

  it('tells each client and server address once, whatever the ports, and not a client in allowClients', () => {
    const login = exchange(papRequest, papAccept);
    const hits = judge([
      { events: login },
      { client: { ip: '10.0.0.5', port: 40001 }, events: exchange(bobRequest, bobReject) },
      { server: { ip: '10.0.0.9', port: 1645 }, events: login },
      { client: { ip: '10.0.0.6', port: 40000 }, events: login },
      { server: { ip: '10.0.0.10', port: 1812 }, events: login },
    ]);
    expect(hits.map((h) => `${h.client?.ip}>${h.server?.ip}`)).toEqual([
      '10.0.0.5>10.0.0.9',
      '10.0.0.6>10.0.0.9',
      '10.0.0.5>10.0.0.10',
    ]);
    expect(judge([{ events: login }], { allowClients: ['10.0.0.0/29'] })).toEqual([]);
    expect(judge([{ events: login }], { severity: 'medium' })[0]?.severity).toBe('medium');
  });
});
