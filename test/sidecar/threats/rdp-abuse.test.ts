/** rdp-abuse: BlueKeep's MS_T120 channel, from the events the RDP parser reads off a check's bytes and FreeRDP's. */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { rdp } from '#sidecar/protocols/rdp.ts';
import { rdpAbuse } from '#sidecar/threats/rdp-abuse.ts';
import { feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  freerdpConnectInitial,
  freerdpRequestRdp,
  xrdpConfirmBare,
  xrdpConfirmRdp,
} from '#test/fixtures/protocols/rdp-messages.ts';
import { blueKeepChannels, connectInitial, connectionRequest } from '#test/helpers/rdp-pdus.ts';
import { runThreat } from './threat-factories.ts';

const events = (segments: readonly Segment[]): ProtocolEvent[] =>
  feed(rdp, segments).map((event) => ({ ...(event as ProtocolEvent), ts: 1 }));

const check = (channels: readonly string[]): ProtocolEvent[] =>
  events([
    ['to-server', connectionRequest('scanner', 0)],
    ['to-client', xrdpConfirmRdp],
    ['to-server', connectInitial('SCANNER', channels)],
  ]);

describe('rdp-abuse', () => {
  it("reports a BlueKeep check's MS_T120 channel, critical, once per flow", () => {
    const hits = runThreat(rdpAbuse, [...check(blueKeepChannels), ...check(blueKeepChannels)]);
    expect(hits).toEqual([
      {
        threat: 'rdp-abuse',
        severity: 'critical',
        confidence: 0.95,
        evidence:
          'RDP client asked for the static virtual channel MS_T120 (BlueKeep, CVE-2019-0708: a check or an exploit); its channels cliprdr,MS_T120,rdpsnd,snddbg,rdpdr',
        ts: 1,
      },
    ]);
  });

  it('finds the channel in any case and any position', () => {
    for (const channels of [['ms_t120'], ['rdpdr', 'rdpsnd', 'Ms_T120'], ['MS_T120', 'rdpdr']])
      expect(runThreat(rdpAbuse, check(channels)), channels.join()).toHaveLength(1);
  });

  it("leaves FreeRDP's own channels alone, and names that only look like it", () => {
    const freerdp = events([
      ['to-server', freerdpRequestRdp],
      ['to-client', xrdpConfirmBare],
      ['to-server', freerdpConnectInitial],
    ]);
    expect(freerdp.some((e) => e.kind === 'operation' && e.operation === 'client-info')).toBe(true);
    expect(runThreat(rdpAbuse, freerdp)).toEqual([]);
    expect(runThreat(rdpAbuse, check(['MS_T12', 'MS_T121', 'XMS_T12', 'rdpdr']))).toEqual([]);
  });

  it('can be set to another severity', () => {
    expect(runThreat(rdpAbuse, check(['MS_T120']), { config: { severity: 'high' } })[0]?.severity).toBe(
      'high',
    );
  });
});
