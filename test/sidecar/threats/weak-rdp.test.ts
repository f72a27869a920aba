/** weak-rdp: Standard RDP Security accepted, from the events the RDP parser reads off xrdp's and FreeRDP's bytes. */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { rdp } from '#sidecar/protocols/rdp.ts';
import { weakRdp } from '#sidecar/threats/weak-rdp.ts';
import { feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  freerdpConnectInitial,
  freerdpRequestNla,
  freerdpRequestRdp,
  freerdpRequestTls,
  xrdpConfirmBare,
  xrdpConfirmRdp,
  xrdpConfirmSsl,
  xrdpConnectResponse,
  xrdpDisconnect,
  xrdpFailure,
} from '#test/fixtures/protocols/rdp-messages.ts';
import { runThreat } from './threat-factories.ts';

const events = (segments: readonly Segment[]): ProtocolEvent[] =>
  feed(rdp, segments).map((event) => ({ ...(event as ProtocolEvent), ts: 1 }));

describe('weak-rdp', () => {
  it('reports xrdp choosing Standard RDP Security over the TLS FreeRDP asked for', () => {
    const hits = runThreat(
      weakRdp,
      events([
        ['to-server', freerdpRequestTls],
        ['to-client', xrdpConfirmRdp],
      ]),
    );
    expect(hits).toEqual([
      {
        threat: 'weak-rdp',
        severity: 'medium',
        confidence: 0.9,
        evidence: 'RDP server chose Standard RDP Security (no TLS, no NLA) over the ssl the client asked for',
        ts: 1,
      },
    ]);
  });

  it('reports a server going on with it after a bare confirm, naming its encryption, once', () => {
    const session = events([
      ['to-server', freerdpRequestRdp],
      ['to-client', xrdpConfirmBare],
      ['to-server', freerdpConnectInitial],
      ['to-client', xrdpConnectResponse],
    ]);
    expect(runThreat(weakRdp, [...session, ...session])).toMatchObject([
      {
        confidence: 1,
        evidence:
          'RDP server went on with Standard RDP Security, no TLS, no NLA (encryption=128bit level=high)',
      },
    ]);
  });

  it('leaves TLS, a refusal, and a bare confirm the server takes back (xrdp with security_layer=tls) alone', () => {
    expect(
      runThreat(
        weakRdp,
        events([
          ['to-server', freerdpRequestNla],
          ['to-client', xrdpConfirmSsl],
        ]),
      ),
    ).toEqual([]);
    expect(
      runThreat(
        weakRdp,
        events([
          ['to-server', freerdpRequestRdp],
          ['to-client', xrdpFailure],
        ]),
      ),
    ).toEqual([]);
    const takenBack = events([
      ['to-server', freerdpRequestRdp],
      ['to-client', xrdpConfirmBare],
      ['to-server', freerdpConnectInitial],
      ['to-client', xrdpDisconnect],
    ]);
    expect(runThreat(weakRdp, takenBack)).toEqual([]);
  });

  it('takes its severity from the policy', () => {
    const chose = events([
      ['to-server', freerdpRequestTls],
      ['to-client', xrdpConfirmRdp],
    ]);
    expect(runThreat(weakRdp, chose, { config: { severity: 'low' } })[0]?.severity).toBe('low');
  });
});
